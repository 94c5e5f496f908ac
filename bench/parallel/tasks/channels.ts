/**
 * Task module of the shared-channel benches (shared-chan-throughput, cross-thread-ping-pong): goroutines that run on
 * a scheduler worker (go / goThread) and move int32 values through shared channels.
 *
 * The consumers time themselves, from the first value to the last, with their own thread's clock: the figure is the
 * steady-state rate of the channel, without the scheduler's start-up of the goroutines (a thread's performance.now()
 * cannot be compared with another thread's). `threadId` tells the bench which thread ran each side.
 */
import { threadId } from 'node:worker_threads';
import type { RecvChan, SendChan } from '../../../runtime/chan/types.js';
import { task } from '../../../runtime/threads/task.js';

/** Mode is how a side moves values: `await` every send/recv, or the non-blocking fast path first (`try`). */
export type Mode = 'await' | 'try';

/** Consumed is a consumer's report: the sum of what it received, and how long the values took to come. */
export interface Consumed {
  readonly sum: number;
  /** ms from the first value received to the last (n - 1 values in that time). */
  readonly ms: number;
  readonly threadId: number;
}

/** produce sends 0 .. n-1 on ch. In `try` mode it awaits a send only when the buffer is full. */
export const produce = task(
  import.meta.url,
  async function produce(ch: SendChan<number>, n: number, mode: Mode): Promise<number> {
    if (mode === 'await') {
      for (let i = 0; i < n; i++) await ch.send(i);
    } else {
      for (let i = 0; i < n; i++) if (!ch.trySend(i)) await ch.send(i);
    }
    return threadId;
  },
);

/** consume receives n values from ch and returns their sum. In `try` mode it awaits a recv only when it is empty. */
export const consume = task(
  import.meta.url,
  async function consume(ch: RecvChan<number>, n: number, mode: Mode): Promise<Consumed> {
    let sum = (await ch.recv())!;
    const t0 = performance.now();
    if (mode === 'await') {
      for (let i = 1; i < n; i++) sum += (await ch.recv())!;
    } else {
      for (let i = 1; i < n; i++) {
        const r = ch.tryRecv();
        sum += r === undefined ? (await ch.recv())! : r.value!;
      }
    }
    return { sum, ms: performance.now() - t0, threadId };
  },
);

/** ponger answers every value received on `ping` by sending it back on `pong`, until `ping` is closed. */
export const ponger = task(
  import.meta.url,
  async function ponger(ping: RecvChan<number>, pong: SendChan<number>): Promise<number> {
    let n = 0;
    for (;;) {
      const r = await ping.recvOk();
      if (!r.ok) return n;
      await pong.send(r.value!);
      n++;
    }
  },
);

/** PingResult is what pinger measured: round trips timed after the first (warm-up) one, their sum and time. */
export interface PingResult {
  readonly trips: number;
  readonly sum: number;
  readonly ms: number;
  readonly threadId: number;
}

/**
 * pinger does round trips over ping/pong (send i, receive it back) until `maxTrips` or `maxMs` (checked every 16),
 * then closes `ping`. The first round trip is not timed (it waits for the ponger to start).
 */
export const pinger = task(
  import.meta.url,
  async function pinger(
    ping: SendChan<number>,
    pong: RecvChan<number>,
    maxTrips: number,
    maxMs: number,
  ): Promise<PingResult> {
    await ping.send(0);
    await pong.recv();
    const t0 = performance.now();
    let sum = 0;
    let i = 1;
    for (; i <= maxTrips; i++) {
      await ping.send(i);
      sum += (await pong.recv())!;
      if ((i & 15) === 0 && performance.now() - t0 >= maxMs) break;
    }
    const ms = performance.now() - t0;
    ping.close();
    return { trips: Math.min(i, maxTrips), sum, ms, threadId };
  },
);

/** parkOn receives once from ch (the idle-CPU check parks goroutines on both sides with it). */
export const parkOn = task(import.meta.url, async function parkOn(ch: RecvChan<number>): Promise<number> {
  const r = await ch.recvOk();
  return r.ok ? r.value! : -1;
});
