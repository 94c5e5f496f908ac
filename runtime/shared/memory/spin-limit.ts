/**
 * The bound of every synchronous loop over shared memory (the ring's claims, the spin lock): the ring's loops go round
 * again only when another thread made progress, the lock's only while another thread runs a critical section of a
 * few instructions, so on sound memory they end within microseconds; on corrupted memory, or memory that something keeps scribbling over, it would spin for ever on a
 * thread that a synchronous call (trySend, tryRecv, a select with default) may not leave. So each loop looks at the
 * clock once every SPIN_CHECK_EVERY rounds and gives up with SharedMemoryError once it has gone round for
 * SPIN_LIMIT_MS: far longer than any critical section or contention burst, even with the lock's holder descheduled
 * on a loaded machine or paused by its isolate's garbage collector, and still short enough to report a fault.
 */
import { SharedMemoryError } from '../../panics.js';

/** SPIN_LIMIT_MS is how long a synchronous loop over shared memory may go round before it reports a fault. */
export const SPIN_LIMIT_MS = 5000;

/** SPIN_CHECK_EVERY is how many rounds a loop makes between two looks at the clock (a power of two). */
export const SPIN_CHECK_EVERY = 1024;

/**
 * spinCheck is a loop's look at the clock, every SPIN_CHECK_EVERY rounds: `start` is what the previous look returned
 * (0 before the first), and the result is what to pass next time. It throws SharedMemoryError, saying that `what`
 * made no progress, once SPIN_LIMIT_MS have passed since the first look.
 *
 * @example
 * for (let rounds = 1, start = 0; ; rounds++) {
 *   if (done()) return;
 *   if ((rounds & (SPIN_CHECK_EVERY - 1)) === 0) start = spinCheck(start, 'shared channel: a receive');
 * }
 */
export function spinCheck(start: number, what: string): number {
  const now = performance.now();
  if (start === 0) return now;
  if (now - start > SPIN_LIMIT_MS) {
    throw new SharedMemoryError(`${what} made no progress for ${SPIN_LIMIT_MS} ms: shared memory corrupted or overwritten`);
  }
  return start;
}
