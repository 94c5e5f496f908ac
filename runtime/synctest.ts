/**
 * synctest: virtual time for tests, after Go's testing/synctest.
 *
 * `synctest.run(fn)` runs `fn` as the root goroutine of a bubble. Every timer, ticker, sleep and context deadline
 * created inside runs on the bubble's virtual clock, which starts at 2000-01-01T00:00:00Z and jumps to the next timer
 * as soon as every goroutine of the bubble is parked on a gocsp operation. A one-hour timeout takes no real time,
 * and the order of events is deterministic.
 *
 * run resolves once the root and every goroutine it started (transitively) have returned. It rejects with the first
 * panic of any of them, or with DeadlockError when all are parked and no timer is pending. Misuse (fn not a function,
 * a bubble already running) is a rejection too: run never throws.
 *
 * Limits (JS, not Go): one bubble at a time per thread (the runtime reads the active bubble from a module variable),
 * so do not run bubbles concurrently; code outside the bubble that runs meanwhile also sees virtual time. A goroutine
 * awaiting a non-gocsp promise counts as running, so time stands still until that promise settles.
 *
 * @example
 * await synctest.run(async () => {
 *   const t0 = now();
 *   await sleep(5 * Second);
 *   assert(since(t0) === 5000); // exactly, and instantly
 * });
 */
import { InvalidArgumentError } from './panics.js';
import { nextGoroutineId, spawn } from './go.js';
import { activeBubble, Bubble, setActiveBubble } from './sched/bubble.js';
import { describe } from './validate.js';

function run(fn: () => unknown): Promise<void> {
  if (typeof fn !== 'function') {
    return Promise.reject(new InvalidArgumentError(`synctest.run: fn must be a function, got ${describe(fn)}`));
  }
  if (activeBubble !== null) {
    const msg = 'synctest.run: a bubble is already running on this thread (bubbles do not nest)';
    return Promise.reject(new InvalidArgumentError(msg));
  }
  return new Promise<void>((resolve, reject) => {
    let over = false;
    const end = (failure: boolean, e?: unknown): void => {
      if (over) return;
      over = true;
      if (activeBubble === b) setActiveBubble(null);
      b.timers.clear();
      if (failure) reject(e);
      else resolve();
    };
    const b = new Bubble((e) => end(true, e));
    b.whenIdle(() => end(false));
    setActiveBubble(b);
    spawn(nextGoroutineId(), fn, []);
  });
}

/**
 * wait parks the caller until every other goroutine of the current bubble is parked on a gocsp operation (Go's
 * synctest.Wait). Call it only inside synctest.run: outside, or while another goroutine waits, it returns a promise
 * rejected with the misuse (it never throws).
 */
function wait(): Promise<void> {
  if (activeBubble === null) return Promise.reject(new InvalidArgumentError('synctest.wait: not inside synctest.run'));
  try {
    return activeBubble.wait();
  } catch (e) {
    return Promise.reject(e); // another goroutine is already waiting
  }
}

/**
 * synctest groups run and wait, as Go's package does: `run(fn)` runs `fn` in a bubble on virtual time and resolves
 * once its goroutines have all returned (rejects with the first panic, or DeadlockError); `wait()` returns once every
 * other goroutine of the bubble is parked.
 *
 * @example
 * await synctest.run(async () => {
 *   const [ctx] = withTimeout(background(), Hour);
 *   let expired = false;
 *   go(async () => { await recv(ctx.done()); expired = true; });
 *   await sleep(Hour - 1);
 *   await synctest.wait();
 *   console.log(expired); // false
 *   await sleep(1);
 *   await synctest.wait();
 *   console.log(expired, isDeadlineExceeded(ctx.err())); // true true: an hour, in microseconds
 * });
 */
export const synctest = Object.freeze({ run, wait });
