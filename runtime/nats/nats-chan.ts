/**
 * NatsChan is a channel whose buffer is a NATS JetStream work-queue stream: Go's buffered channel across processes
 * and hosts, with the Chan interface of local and shared channels (send, recv, recvOk, close, len, cap, for await,
 * select receive cases).
 *
 * This is the shell: the public API over the two sides of one process, Sender (sender.ts: publish, backpressure,
 * close) and Receiver (receiver.ts: demand-driven pull requests, hand-off with ack, hand-back with nak), and the JetStream
 * objects behind a name (stream.ts). docs/beyond-one-machine.md states the semantics in full; in short:
 *
 * - send resolves once the server stored the value; on a full channel it waits (retrying) until there is room.
 * - Each value goes to exactly one receiver of all processes, in stream order, and is acknowledged in the step that
 *   hands it to a goroutine. Under faults it is at-least-once: a value handed to a goroutine whose process dies
 *   before the acknowledgement reached the server is delivered again after the ack wait.
 * - close is one atomic stream update seen by every process: receivers drain what is stored, then get ok = false;
 *   a send after it panics with ChannelClosedError.
 * - In a select, a receive case parks here like on any channel; a value that arrives after the select completed
 *   elsewhere is kept for this process's next receive for LINGER_MS, then handed back to the stream (nak).
 * - trySend and a select's send case are NatsChanUnsupportedError: a network send never completes at once, and a
 *   stored value cannot be taken back if another case wins. tryRecv is honest: it takes a value already fetched.
 */
import { jetstream, jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection, Status, Subscription } from '@nats-io/nats-core';
import { CLOSED, EMPTY, type Selectable } from '../chan/selectable.js';
import type { Chan, RecvResult } from '../chan/types.js';
import { ITER, RECV, RECV_OK, type Mode, Waiter } from '../chan/waiter.js';
import { checkCodec, type Codec } from '../internal.js';
import { CloseOfClosedChannelError, InvalidArgumentError } from '../panics.js';
import { parkStart } from '../sched/park.js';
import { checkIntegerIn, checkOptions, describe } from '../validate.js';
import type { Delivery } from './delivery.js';
import { NatsChanUnsupportedError, refusedError } from './nats-errors.js';
import { quietly } from './quietly.js';
import { Receiver } from './receiver.js';
import { Sender } from './sender.js';
import { closeOnServer, namesOf, open, remove, type Names, type Opened } from './stream.js';
import { wireBytes, type WireBytes } from './wire-bytes.js';

const CLOSED_RESULT: RecvResult<never> = Object.freeze({ value: undefined, ok: false });
const DONE: IteratorResult<never> = Object.freeze({ value: undefined, done: true });

/** NAME is what a channel name may be: it becomes a stream name and a subject token. */
const NAME = /^[A-Za-z0-9_-]{1,200}$/;
/** MAX_CAPACITY bounds a channel's capacity (the stream's max_msgs). */
export const MAX_CAPACITY = 2 ** 31 - 1;

/**
 * NatsChanOptions configure natsChan: the codec and capacity (required), the ack wait and the prefetch.
 *
 * @example
 * const opts: NatsChanOptions<Job> = { codec: codec.json<Job>(), capacity: 1000, ackWaitMs: 60_000 };
 */
export interface NatsChanOptions<T> {
  /** codec is how values become message bytes: one of the shared-channel codecs (`codec.json()`, `codec.int32`...). */
  readonly codec: Codec<T>;
  /**
   * capacity is how many values the channel stores (the stream's message limit), an integer in [1, 2^31 - 1]. A
   * send to a full channel waits for room. 0 (an unbuffered channel) is refused: the network has no rendezvous.
   */
  readonly capacity: number;
  /**
   * ackWaitMs is how long the server waits for the acknowledgement of a delivered value before it delivers it again
   * (the at-least-once window under faults), an integer in [1000, 2^31 - 1]. Default 30000. It is set by the process
   * that creates the channel's consumer; later processes use the existing one. A value fetched ahead and not received
   * within half of it is handed back, so that it is never delivered twice without a fault.
   */
  readonly ackWaitMs?: number;
  /** prefetch is how many values one process fetches ahead of its receivers, an integer in [1, 10000]. Default 64. */
  readonly prefetch?: number;
}

/**
 * NatsChan is a channel over NATS JetStream, made by natsChan(): the Chan interface across processes. See the file
 * comment and docs/beyond-one-machine.md for its semantics.
 *
 * @example
 * const results = await natsChan(nc, 'results', { codec: codec.float64, capacity: 100 });
 * const r = await select([recvCase(results, (v) => v), recvCase(after(1000), () => NaN)]);
 * await results.release(); // before nc.close(): hands back what this process fetched ahead
 */
export class NatsChan<T> implements Chan<T>, Selectable {
  readonly #nc: NatsConnection;
  readonly #jsm: JetStreamManager;
  readonly #names: Names;
  readonly #cap: number;
  readonly #wire: WireBytes<T>;
  readonly #sender: Sender;
  readonly #receiver: Receiver<T>;
  readonly #notice: Subscription;
  /** #events is the connection's status stream, read for reconnects (see Sender.reconnected). */
  readonly #events: AsyncIterable<Status>;
  #closeCalled = false;
  /** #stored is the server's count at the last stored(), and #storedGen the receiver's arrivals count then. */
  #stored = 0;
  #storedGen = -1;
  #closing: Promise<void> | null = null;
  /** #closeRefused is the server's refusal of this connection's stream requests (a close), once #watch saw one. */
  #closeRefused: Error | null = null;

  /** @internal use natsChan(). */
  constructor(
    nc: NatsConnection,
    jsm: JetStreamManager,
    names: Names,
    capacity: number,
    wire: WireBytes<T>,
    prefetch: number,
    opened: Opened,
  ) {
    this.#nc = nc;
    this.#jsm = jsm;
    this.#names = names;
    this.#cap = capacity;
    this.#wire = wire;
    const js = jetstream(nc);
    this.#sender = new Sender(js, jsm, names);
    this.#receiver = new Receiver(nc, jsm, names, wire, prefetch, opened.ackWaitMs);
    this.#notice = nc.subscribe(names.notice, { callback: () => this.#learnClosed() });
    if (opened.closed) this.#learnClosed();
    this.#events = nc.status();
    void this.#watch();
  }

  /**
   * #watch tells the sender of each reconnect, and both sides of each publish the server refused (a send or a pull
   * request refused for want of permission is answered by nothing else), until release() or the connection's close
   * ends it.
   */
  async #watch(): Promise<void> {
    for await (const s of this.#events) {
      if (s.type === 'reconnect') this.#sender.reconnected();
      else if (s.type === 'error' && s.error.name === 'PermissionViolationError') {
        const e = s.error as Error & { operation?: string; subject?: string };
        if (e.operation === 'publish' && typeof e.subject === 'string') {
          this.#sender.denied(e.subject, e);
          this.#receiver.denied(e.subject, e);
          if (e.subject.startsWith('$JS.API.STREAM.') && e.subject.endsWith(`.${this.#names.stream}`)) this.#closeRefused = e;
        }
      }
    }
  }

  /** name is the channel's name, as given to natsChan. */
  get name(): string {
    return this.#names.stream.slice('GOCSP_'.length);
  }

  // Chan interface.

  /**
   * send stores `value` in the channel and resolves once the server acknowledged it; on a full channel it waits
   * until there is room (this process's sends are stored in order). It never throws: a closed channel is a
   * rejection with ChannelClosedError, a value the codec refuses one with EncodeError.
   */
  send(value: T): Promise<void> {
    let bytes: Uint8Array;
    try {
      bytes = this.#wire.encode(value);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#sender.send(bytes);
  }

  /** trySend throws NatsChanUnsupportedError: a network send never completes at once (use send). */
  trySend(_value: T): boolean {
    throw new NatsChanUnsupportedError(
      'natsChan: trySend cannot complete at once over the network (use send, which waits while the channel is full)',
    );
  }

  /** recv receives a value, waiting until one is stored; undefined once the channel is closed and drained. */
  recv(): Promise<T | undefined> {
    return this.#receive(RECV);
  }

  /** recvOk is Go's `v, ok := <-ch`. */
  recvOk(): Promise<RecvResult<T>> {
    return this.#receive(RECV_OK);
  }

  /**
   * tryRecv receives a value only if this process has already fetched one: a result, or undefined. It counts as
   * wanting a value, so the process starts fetching and a later tryRecv may find one.
   */
  tryRecv(): RecvResult<T> | undefined {
    const v = this.#receiver.poll();
    if (v === EMPTY) return undefined;
    return v === CLOSED ? CLOSED_RESULT : { value: v as T, ok: true };
  }

  /**
   * close closes the channel for every process: it starts one atomic update on the server and returns. This
   * process's later sends panic at once; other processes' sends panic once the update is done; receivers drain
   * what was stored, then get ok = false. Throws CloseOfClosedChannelError if this process closed the channel or
   * knows it closed. Await closeAndWait() instead to know when the server recorded the close.
   */
  close(): void {
    void this.#startClose().catch(() => {});
  }

  /**
   * closeAndWait closes the channel as close() does and resolves once the server recorded the close. It never
   * throws: a close of a closed channel (known here, or found on the server, closed by another process) is a
   * rejection with CloseOfClosedChannelError.
   */
  closeAndWait(): Promise<void> {
    try {
      return this.#startClose();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * len is the number of values known to be stored and not yet received: as of this process's last delivery, or
   * the last stored() answer. Another process's sends and receives since are not counted; use stored() for the
   * server's figure.
   */
  len(): number {
    // Whichever answer from the server is the more recent: stored(), or the last value delivered here.
    const fresh = this.#storedGen === this.#receiver.arrivals;
    return Math.min(this.#cap, fresh ? this.#stored : this.#receiver.estimate);
  }

  /** stored asks the server how many values the channel stores now (including values delivered and not yet acked). */
  async stored(): Promise<number> {
    const info = await this.#jsm.streams.info(this.#names.stream);
    this.#stored = info.state.messages;
    this.#storedGen = this.#receiver.arrivals;
    return this.#stored;
  }

  /** cap is the channel's capacity. */
  cap(): number {
    return this.#cap;
  }

  /**
   * release detaches this process from the channel without closing it: fetching stops, values fetched and not yet
   * received go back to the stream at once (instead of after the ack wait if the process just exits), and parked
   * receives of this process fail with NatsChanGoneError. Call it before closing the connection.
   */
  async release(): Promise<void> {
    this.#notice.unsubscribe();
    (this.#events as { stop?: () => void }).stop?.();
    await this.#receiver.release();
    if (this.#closing !== null) await this.#closing.catch(() => {});
    // The flush makes the hand-backs leave before the caller closes the connection. If the connection drops
    // meanwhile (a server restarting), the flush rejects with the client's error: release still succeeds, and what
    // was handed back and not sent returns to the stream after the ack wait, as for a process that dies.
    if (!this.#nc.isClosed()) await this.#nc.flush().catch(() => {});
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return { next: () => this.#receive<IteratorResult<T>>(ITER) };
  }

  /**
   * recvDelivery receives a value without acknowledging it: a Delivery that keeps it reserved for this receiver
   * until its ack() (after the work is done) or nak(), and that a dead process loses to another receiver after the
   * ack wait. Resolves to undefined once the channel is closed and drained. See delivery.ts.
   *
   * With `signal`, a receive still parked when it aborts rejects with the signal's reason and takes nothing (a
   * Delivery already handed over stays the caller's to ack or nak).
   *
   * @example
   * const d = await jobs.recvDelivery(AbortSignal.timeout(5000));
   * if (d !== undefined) { await run(d.value); await d.ack(); }
   */
  recvDelivery(signal?: AbortSignal): Promise<Delivery<T> | undefined> {
    if (signal === undefined) return this.#receive<Delivery<T> | undefined>(RECV, true);
    if (!(signal instanceof AbortSignal)) {
      return Promise.reject(new InvalidArgumentError(`natsChan: recvDelivery's signal must be an AbortSignal, got ${describe(signal)}`));
    }
    if (signal.aborted) return Promise.reject(signal.reason);
    return this.#receive<Delivery<T> | undefined>(RECV, true, signal);
  }

  /**
   * deliveries ranges over the channel as `for await` does, yielding Deliveries (recvDelivery) until the channel is
   * closed and drained: a job queue whose jobs are acknowledged only once done.
   *
   * @example
   * for await (const d of jobs.deliveries()) go(async () => { await run(d.value); await d.ack(); });
   */
  deliveries(): AsyncIterable<Delivery<T>> {
    return { [Symbol.asyncIterator]: () => ({ next: () => this.#receive<IteratorResult<Delivery<T>>>(ITER, true) }) };
  }

  // Selectable protocol.

  pollRecv(): unknown {
    return this.#receiver.poll();
  }

  pollSend(_value: unknown): boolean {
    throw new NatsChanUnsupportedError(
      'natsChan: a select cannot send on a network channel (a stored value cannot be taken back if another case wins)',
    );
  }

  enqueueRecv(w: Waiter): void {
    this.#receiver.park(w);
  }

  enqueueSend(_w: Waiter): void {
    this.pollSend(undefined);
  }

  dequeue(w: Waiter): void {
    w.queue?.remove(w);
  }

  // Internals.

  #receive<R>(mode: Mode, deferAck = false, signal?: AbortSignal): Promise<R> {
    try {
      const v = this.#receiver.poll(deferAck);
      if (v === EMPTY) {
        const w = new Waiter(mode, undefined, parkStart('chan receive (nats)'));
        const p = w.promise<R>();
        this.#receiver.park(w, deferAck);
        if (signal !== undefined && w.queue !== null) {
          // Still parked when the signal aborts: leave the queue, so no value is handed to a receive nobody awaits.
          const abort = (): void => {
            if (w.queue === null) return;
            w.queue.remove(w);
            w.fail(signal.reason as Error);
          };
          signal.addEventListener('abort', abort, { once: true });
          void p.then(
            () => signal.removeEventListener('abort', abort),
            () => signal.removeEventListener('abort', abort),
          );
        }
        return p;
      }
      if (mode === RECV) return Promise.resolve((v === CLOSED ? undefined : v) as R);
      if (mode === RECV_OK) return Promise.resolve((v === CLOSED ? CLOSED_RESULT : { value: v, ok: true }) as R);
      return Promise.resolve((v === CLOSED ? DONE : { value: v, done: false }) as R);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #startClose(): Promise<void> {
    if (this.#closeCalled || this.#sender.closed) throw new CloseOfClosedChannelError();
    this.#closeCalled = true;
    this.#sender.markClosed();
    this.#closing = (async () => {
      const refused = (): Error | null => {
        const e = this.#closeRefused;
        if (e === null) return null;
        return refusedError(this.#names.stream, 'close', e);
      };
      const first = await closeOnServer(this.#jsm, this.#names, refused);
      quietly(() => this.#nc.publish(this.#names.notice));
      this.#receiver.learnClosed();
      if (!first) throw new CloseOfClosedChannelError();
    })();
    return this.#closing;
  }

  #learnClosed(): void {
    this.#receiver.learnClosed();
  }
}

/**
 * natsChan opens the network channel `name` on `connection`, creating its stream and consumer if no process has:
 * Go's `make(chan T, capacity)` for values that cross processes and hosts. Every process that opens the same name
 * with the same codec and capacity gets the same channel.
 *
 * Rejects with InvalidArgumentError for a bad name ([A-Za-z0-9_-], 1 to 200 characters), capacity (an integer in
 * [1, 2^31 - 1]; 0 is refused, the network has no rendezvous), codec or option, and with NatsChanMismatchError if
 * the channel exists with another capacity or codec.
 *
 * @example
 * const nc = await connect({ servers: 'nats://127.0.0.1:4222' });
 * const jobs = await natsChan(nc, 'jobs', { codec: codec.json<Job>(), capacity: 1000 });
 * await jobs.send({ id: 1 });                   // stored on the server
 * for await (const job of jobs) handle(job);   // in any process, each job once
 */
export async function natsChan<T>(connection: NatsConnection, name: string, options: NatsChanOptions<T>): Promise<NatsChan<T>> {
  const o = checkOptions('natsChan', options, ['codec', 'capacity', 'ackWaitMs', 'prefetch']) as Partial<NatsChanOptions<T>>;
  checkConnection(connection);
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new InvalidArgumentError(`natsChan: name must be 1 to 200 characters of A-Z, a-z, 0-9, _ and -, got ${describe(name)}`);
  }
  if (o.capacity === 0) {
    throw new InvalidArgumentError(
      'natsChan: capacity must be at least 1, got 0 (an unbuffered channel needs a rendezvous, which the network does not have)',
    );
  }
  const capacity = checkRange('capacity', o.capacity, 1, MAX_CAPACITY, undefined);
  const ackWaitMs = checkRange('ackWaitMs', o.ackWaitMs, 1000, 2 ** 31 - 1, 30_000);
  const prefetch = checkRange('prefetch', o.prefetch, 1, 10_000, 64);
  const codec = checkCodec('natsChan', o.codec as Codec<T>);
  const { maxBytes: _ignored, ...identity } = codec.wire as { maxBytes?: unknown };
  const names = namesOf(name);
  const jsm = await jetstreamManager(connection);
  const opened = await open(jsm, names, { capacity, codec: JSON.stringify(identity), ackWaitMs });
  return new NatsChan<T>(connection, jsm, names, capacity, wireBytes(codec), prefetch, opened);
}

/**
 * deleteNatsChan deletes the channel `name` from the server, with every value it stores; resolves to false if there
 * was none. Processes that still use it get NatsChanGoneError.
 *
 * @example
 * await deleteNatsChan(nc, 'jobs'); // true: the stream, its consumer and its values are gone
 */
export async function deleteNatsChan(connection: NatsConnection, name: string): Promise<boolean> {
  checkConnection(connection);
  if (typeof name !== 'string' || !NAME.test(name)) {
    throw new InvalidArgumentError(`deleteNatsChan: name must be 1 to 200 characters of A-Z, a-z, 0-9, _ and -, got ${describe(name)}`);
  }
  return remove(await jetstreamManager(connection), namesOf(name));
}

function checkConnection(nc: unknown): void {
  const c = nc as Partial<NatsConnection> | null;
  if (typeof c !== 'object' || c === null || typeof c.subscribe !== 'function' || typeof c.request !== 'function') {
    throw new InvalidArgumentError(`natsChan: connection must be a NATS connection (from connect()), got ${describe(nc)}`);
  }
}

function checkRange(arg: string, v: unknown, min: number, max: number, fallback: number | undefined): number {
  return v === undefined && fallback !== undefined ? fallback : checkIntegerIn('natsChan', arg, v, min, max);
}
