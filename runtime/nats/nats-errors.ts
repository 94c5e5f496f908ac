/**
 * The errors of network channels (gocsp/nats). Bad arguments are the runtime's InvalidArgumentError; what is proper
 * to the network has a class here, each with a stable `code` and a guard, because class identity does not survive
 * crossing a thread or a process.
 */
import { hasCode } from '../panics.js';

/**
 * NatsChanError is the base class of the errors proper to network channels. `code` identifies the error.
 *
 * @example
 * try { await ch.recv(); } catch (e) { if (e instanceof NatsChanError) console.log(e.code); }
 */
export class NatsChanError extends Error {
  override name = 'NatsChanError';
  readonly code: string;
  constructor(message: string, code: string, cause?: unknown) {
    super(message);
    this.code = code;
    if (cause !== undefined) this.cause = cause;
  }
}

/**
 * NatsChanMismatchError: natsChan found the channel's stream already made with another capacity or codec (another
 * process opened the same name differently), or a stream of that name that is not a gocsp channel.
 *
 * @example
 * await natsChan(nc, 'jobs', { codec: codec.int32, capacity: 10 });
 * await natsChan(nc, 'jobs', { codec: codec.int32, capacity: 20 }); // rejects with NatsChanMismatchError
 */
export class NatsChanMismatchError extends NatsChanError {
  override name = 'NatsChanMismatchError';
  constructor(message: string) {
    super(message, 'ERR_NATS_CHAN_MISMATCH');
  }
}

/**
 * NatsChanUnsupportedError: an operation that a network channel cannot perform honestly, trySend and a select's
 * send case (a network send never completes at once, and a value the server stored cannot be taken back if another
 * case wins).
 *
 * @example
 * ch.trySend(1); // throws NatsChanUnsupportedError
 * await select([sendCase(ch, 1)]); // rejects with NatsChanUnsupportedError
 */
export class NatsChanUnsupportedError extends NatsChanError {
  override name = 'NatsChanUnsupportedError';
  constructor(message: string) {
    super(message, 'ERR_NATS_CHAN_UNSUPPORTED');
  }
}

/**
 * NatsChanGoneError: the channel's stream was deleted, or the connection was closed, under a pending operation; the
 * server refused this connection's send or pull requests (its user's permissions; `cause` is the client's error); or
 * a receive on a channel this process released.
 *
 * @example
 * const p = ch.recv();
 * await deleteNatsChan(nc, 'jobs'); // p rejects with NatsChanGoneError
 */
export class NatsChanGoneError extends NatsChanError {
  override name = 'NatsChanGoneError';
  constructor(message: string, cause?: unknown) {
    super(message, 'ERR_NATS_CHAN_GONE', cause);
  }
}

/**
 * isNatsChanMismatchError reports whether `e` is a NatsChanMismatchError (by code, so across processes too).
 *
 * @example
 * const ch = await natsChan(nc, name, opts).catch((e) => (isNatsChanMismatchError(e) ? null : Promise.reject(e)));
 */
export function isNatsChanMismatchError(e: unknown): e is NatsChanMismatchError {
  return hasCode(e, 'ERR_NATS_CHAN_MISMATCH');
}

/**
 * isNatsChanUnsupportedError reports whether `e` is a NatsChanUnsupportedError.
 *
 * @example
 * try { ch.trySend(v); } catch (e) { if (isNatsChanUnsupportedError(e)) await ch.send(v); }
 */
export function isNatsChanUnsupportedError(e: unknown): e is NatsChanUnsupportedError {
  return hasCode(e, 'ERR_NATS_CHAN_UNSUPPORTED');
}

/**
 * isNatsChanGoneError reports whether `e` is a NatsChanGoneError.
 *
 * @example
 * const v = await ch.recv().catch((e) => (isNatsChanGoneError(e) ? undefined : Promise.reject(e)));
 */
export function isNatsChanGoneError(e: unknown): e is NatsChanGoneError {
  return hasCode(e, 'ERR_NATS_CHAN_GONE');
}

/** goneError is the NatsChanGoneError of an operation on `stream` whose stream was deleted or connection closed. */
export function goneError(stream: string, cause: unknown): NatsChanGoneError {
  return new NatsChanGoneError(`natsChan: ${stream} is gone (stream deleted or connection closed)`, cause);
}

/**
 * refusedError is the NatsChanGoneError of a send, receive (pull request) or close on `stream` that the server refused
 * for want of permission; `cause` is the client's error, whose message quotes the server.
 */
export function refusedError(stream: string, what: 'send' | 'receive' | 'close', cause: Error): NatsChanGoneError {
  const why = `the server refused this connection's ${what} (${cause.message})`;
  return new NatsChanGoneError(`natsChan: ${stream} ${why}`, cause);
}
