/**
 * Go's nil channel and the free-function forms of the channel operations, which accept it.
 *
 * In Go a nil channel blocks every send and receive forever and panics on close. In gocsp `null` (exported as `nil`)
 * is the nil channel: the methods cannot be called on it, so these functions take `Chan | null` and do what Go does.
 * On a real channel they are the same as the methods. Like the methods, send, recv and recvOk never throw: misuse
 * (a closed channel, something that is not a channel) is a rejected promise.
 */
import { CloseOfNilChannelError } from '../panics.js';
import { parkStart } from '../sched/park.js';
import { level, OFF } from '../sched/tracking.js';
import type { RecvChan, RecvResult, SendChan } from './types.js';

/**
 * nil is Go's nil channel: never ready in a select, blocks send and receive forever, panics on close.
 *
 * @example
 * // A nil case drops out of a select: once `a` is drained and closed, stop listening to it.
 * let a: Chan<number> | null = chan<number>(1);
 * await a.send(1);
 * a.close();
 * while (a !== nil) {
 *   a = await select([recvCase(a, (v, ok) => (ok ? (console.log(v), a) : nil))]); // prints 1
 * }
 */
export const nil = null;

/**
 * forever keeps, under main(), the promises of operations that block for good, each beside its wait reason, so a
 * goroutine dump can name them (see sched/heap-walk.ts); such a goroutine is leaked for good, as in Go.
 */
const forever: { readonly gocspWait: string; readonly promise: Promise<unknown> }[] = [];

/** blockForever parks the caller for good, as Go does on a nil channel or an empty select. */
export function blockForever<T>(reason: string): Promise<T> {
  parkStart(reason);
  const promise = new Promise<T>(() => {});
  if (level !== OFF) forever.push({ gocspWait: reason, promise });
  return promise;
}

/**
 * send is `ch <- value`; on a nil channel it blocks forever.
 *
 * @example
 * const ch: Chan<string> | null = chan<string>(1);
 * await send(ch, 'hello'); // as ch.send('hello'), and takes a nil channel too
 */
export function send<T>(ch: SendChan<T> | null, value: T): Promise<void> {
  try {
    return ch === null ? blockForever('chan send (nil chan)') : ch.send(value);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * recv is `<-ch`; on a nil channel it blocks forever.
 *
 * @example
 * const ch: Chan<string> | null = chan<string>(1);
 * await send(ch, 'hello');
 * console.log(await recv(ch)); // hello
 */
export function recv<T>(ch: RecvChan<T> | null): Promise<T | undefined> {
  try {
    return ch === null ? blockForever('chan receive (nil chan)') : ch.recv();
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * recvOk is `v, ok := <-ch`; on a nil channel it blocks forever.
 *
 * @example
 * const ch: Chan<number> | null = chan<number>(1);
 * close(ch);
 * const r = await recvOk(ch);
 * console.log(r.ok, r.value); // false undefined: closed and drained
 */
export function recvOk<T>(ch: RecvChan<T> | null): Promise<RecvResult<T>> {
  try {
    return ch === null ? blockForever('chan receive (nil chan)') : ch.recvOk();
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * close is Go's `close(ch)`: it throws CloseOfNilChannelError for a nil channel.
 *
 * @example
 * const done: Chan<void> | null = chan<void>();
 * close(done); // every receiver wakes, now and later
 * try { close(nil); } catch (e) { console.log(isCloseOfNilChannelError(e)); } // true
 */
export function close<T>(ch: SendChan<T> | null): void {
  if (ch === null) throw new CloseOfNilChannelError();
  ch.close();
}

/**
 * len is Go's `len(ch)`: 0 for a nil channel.
 *
 * @example
 * const ch = chan<number>(4);
 * ch.trySend(1);
 * console.log(len(ch), len(nil)); // 1 0
 */
export function len(ch: SendChan<never> | RecvChan<unknown> | null): number {
  return ch === null ? 0 : ch.len();
}

/**
 * cap is Go's `cap(ch)`: 0 for a nil channel.
 *
 * @example
 * console.log(cap(chan<number>(4)), cap(chan<number>()), cap(nil)); // 4 0 0
 */
export function cap(ch: SendChan<never> | RecvChan<unknown> | null): number {
  return ch === null ? 0 : ch.cap();
}
