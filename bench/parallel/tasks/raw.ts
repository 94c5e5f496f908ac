/**
 * Task module of the raw shared-memory baselines: what two threads achieve with a SharedArrayBuffer and Atomics
 * alone, no channel, no scheduler on the hot path (the scheduler only starts these functions on a worker).
 *
 * SPSC ring (one producer, one consumer), int32 values, each control word on its own 64-byte line:
 *
 *   words:  0 HEAD   values taken (the consumer writes it)       ring: Int32 x RING_CAP, slot = index & (RING_CAP - 1)
 *          16 TAIL   values put (the producer writes it); both only grow
 *          32 SLEEP  1 while the consumer sleeps (or is about to) on it; the producer clears it (CAS) and notifies
 *
 * The consumer spins (RING_SPIN_MS), then sleeps on SLEEP (DESIGN.md: the sleeper waits on its own flag word, the
 * waker clears it with compareExchange before notifying); the producer spins while the ring is full, then naps (the
 * consumer drains without waking it). Batched: the consumer publishes HEAD and the producer TAIL once per run of
 * values.
 *
 * Ping-pong: PING (main writes i), PONG (worker writes i back), SLEEP (the worker's sleep flag, as above). The
 * worker spins, then waits; main only spins (it must not block in Atomics.wait).
 */
import { threadId } from 'node:worker_threads';
import { task } from '../../../runtime/threads/task.js';

export const HEAD = 0;
export const TAIL = 16; // another cache line than HEAD
export const SLEEP = 32;
export const RING_WORDS = 48;
export const RING_CAP = 1024;

export const PING = 0;
export const PONG = 16;
export const PP_SLEEP = 32;
/** STOP, written to PING, ends the worker's ping-pong loop. */
export const STOP = -1;

/**
 * RING_SPIN_MS is how long the ring's consumer spins on an empty ring before it sleeps, and its producer on a full
 * ring before it naps (NAP_MS at a time). A short budget (50 us) made the two fall into step, the producer napping
 * while the consumer slept: a futex wake-up (~100 us here) per 1024 values, 7M values/s instead of 100M (measured).
 */
const RING_SPIN_MS = 1;
const NAP_MS = 0.05;
/** STUCK_MS: a side that waited this long for its partner gives up (the partner is not running: a broken run). */
const STUCK_MS = 5000;

/** wakeIfSleeping clears a sleeper's flag and notifies it, only if it was set (no syscall for an awake peer). */
export function wakeIfSleeping(w: Int32Array, at: number): void {
  if (Atomics.compareExchange(w, at, 1, 0) === 1) Atomics.notify(w, at);
}

/** ringProduce puts 0 .. n-1 into the ring in `words`/`ring`; it spins while the ring is full. */
export const ringProduce = task(
  import.meta.url,
  function ringProduce(words: Int32Array, ring: Int32Array, n: number): number {
    let tail = Atomics.load(words, TAIL);
    let i = 0;
    let fullSince = 0;
    while (i < n) {
      const head = Atomics.load(words, HEAD);
      const room = RING_CAP - (tail - head);
      if (room === 0) {
        // Full: spin a little, then nap (the consumer drains without waking the producer).
        const t = performance.now();
        if (fullSince === 0) fullSince = t;
        else if (t - fullSince > RING_SPIN_MS) Atomics.wait(words, HEAD, head, NAP_MS);
        if (t - fullSince > STUCK_MS) throw new Error('ringProduce: the consumer stopped taking values');
        continue;
      }
      fullSince = 0;
      const end = Math.min(n, i + room);
      for (; i < end; i++, tail++) ring[tail & (RING_CAP - 1)] = i;
      Atomics.store(words, TAIL, tail); // publishes the plain writes above (seq-cst store)
      wakeIfSleeping(words, SLEEP);
    }
    return threadId;
  },
);

/** RawConsumed is the raw consumer's report, as channels.ts Consumed, plus how often it slept. */
export interface RawConsumed {
  readonly sum: number;
  readonly ms: number;
  readonly sleeps: number;
  readonly threadId: number;
}

/** ringConsume takes n values from the ring and returns their sum, timed from the first value to the last. */
export const ringConsume = task(
  import.meta.url,
  function ringConsume(words: Int32Array, ring: Int32Array, n: number): RawConsumed {
    let head = Atomics.load(words, HEAD);
    let got = 0;
    let sum = 0;
    let sleeps = 0;
    let t0 = 0;
    while (got < n) {
      let tail = Atomics.load(words, TAIL);
      if (tail === head) {
        const until = performance.now() + RING_SPIN_MS;
        for (let k = 1; (tail = Atomics.load(words, TAIL)) === head; k++) {
          if ((k & 63) === 0 && performance.now() >= until) break;
        }
        if (tail === head) {
          Atomics.store(words, SLEEP, 1);
          if ((tail = Atomics.load(words, TAIL)) === head) {
            sleeps++;
            if (Atomics.wait(words, SLEEP, 1, STUCK_MS) === 'timed-out') {
              throw new Error('ringConsume: no value for 5 s (is the producer running?)');
            }
          }
          Atomics.store(words, SLEEP, 0);
          continue;
        }
      }
      if (got === 0) t0 = performance.now();
      for (; head !== tail; head++, got++) sum += ring[head & (RING_CAP - 1)]!;
      Atomics.store(words, HEAD, head);
    }
    return { sum, ms: performance.now() - t0, sleeps, threadId };
  },
);

/** atomicPonger echoes every PING value into PONG until it reads STOP; it spins `spinMs`, then waits. */
export const atomicPonger = task(
  import.meta.url,
  function atomicPonger(w: Int32Array, spinMs: number): { trips: number; sleeps: number; threadId: number } {
    let last = 0;
    let trips = 0;
    let sleeps = 0;
    for (;;) {
      let v = Atomics.load(w, PING);
      if (v === last) {
        const until = performance.now() + spinMs;
        for (let k = 1; (v = Atomics.load(w, PING)) === last; k++) {
          if ((k & 63) === 0 && performance.now() >= until) break;
        }
        if (v === last) {
          Atomics.store(w, PP_SLEEP, 1);
          if ((v = Atomics.load(w, PING)) === last) {
            sleeps++;
            if (Atomics.wait(w, PP_SLEEP, 1, 60_000) === 'timed-out') throw new Error('atomicPonger: no ping for 60 s');
          }
          Atomics.store(w, PP_SLEEP, 0);
          continue;
        }
      }
      if (v === STOP) return { trips, sleeps, threadId };
      last = v;
      trips++;
      Atomics.store(w, PONG, v);
    }
  },
);
