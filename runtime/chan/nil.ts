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

/** nil is Go's nil channel: never ready in a select, blocks send and receive forever, panics on close. */
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

/** send is `ch <- value`; on a nil channel it blocks forever. */
export function send<T>(ch: SendChan<T> | null, value: T): Promise<void> {
  try {
    return ch === null ? blockForever('chan send (nil chan)') : ch.send(value);
  } catch (e) {
    return Promise.reject(e);
  }
}

/** recv is `<-ch`; on a nil channel it blocks forever. */
export function recv<T>(ch: RecvChan<T> | null): Promise<T | undefined> {
  try {
    return ch === null ? blockForever('chan receive (nil chan)') : ch.recv();
  } catch (e) {
    return Promise.reject(e);
  }
}

/** recvOk is `v, ok := <-ch`; on a nil channel it blocks forever. */
export function recvOk<T>(ch: RecvChan<T> | null): Promise<RecvResult<T>> {
  try {
    return ch === null ? blockForever('chan receive (nil chan)') : ch.recvOk();
  } catch (e) {
    return Promise.reject(e);
  }
}

/** close is Go's `close(ch)`: it throws CloseOfNilChannelError for a nil channel. */
export function close<T>(ch: SendChan<T> | null): void {
  if (ch === null) throw new CloseOfNilChannelError();
  ch.close();
}

/** len is Go's `len(ch)`: 0 for a nil channel. */
export function len(ch: SendChan<never> | RecvChan<unknown> | null): number {
  return ch === null ? 0 : ch.len();
}

/** cap is Go's `cap(ch)`: 0 for a nil channel. */
export function cap(ch: SendChan<never> | RecvChan<unknown> | null): number {
  return ch === null ? 0 : ch.cap();
}
