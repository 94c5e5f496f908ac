/**
 * shared-chan-one-thread: the CPU cost of a shared channel's own code, on one thread (no cross-thread wake-up, whose
 * cost dwarfs it and varies with placement and load), beside a local channel as the baseline.
 *
 *   ring int32:     sharedChan(codec.int32, 1024): trySend(i) then tryRecv(), N times (the ring's scalar fast path)
 *   ring string:    the same with codec.string({ maxBytes: 16 }) and short strings (the encoded path)
 *   offer recv:     sharedChan(codec.int32): recv() parks (ticket, offer), send(i) pairs with it, N times
 *   ping-pong:      two goroutines bounce a value over two shared channels (cap 0, then cap 1), N round trips
 *   select:         select over two shared int32 channels: one ready (cap 1), then parked on two unbuffered ones
 *
 * A/B in one process: with BASE=<dir> (a checkout of another commit, e.g. `git archive <commit> runtime | tar -x -C
 * <dir>`), every workload also runs against <dir>/runtime, the two alternated ROUNDS times in one process (each tree
 * has its own registry and parker: the channels of one never meet the other's).
 *
 * Run alone: npx tsx bench/parallel/shared-chan-one-thread.bench.ts   (A/B: BASE=/tmp/base ROUNDS=3 npx tsx ...)
 */
import { resolve } from 'node:path';
import { chan } from '../../runtime/chan/local-chan.js';
import { newBench, report, sumTo, timed, timedSync } from '../lib/harness.js';
import { load, N, offerRecv, pingPong, selects, tries } from './lib/one-thread.js';

const SUM = sumTo(N);
const ROUNDS = Number(process.env['ROUNDS'] ?? 1);

const trees = [await load(resolve(import.meta.dirname, '../..'), 'this tree')];
const base = process.env['BASE'];
if (base !== undefined) trees.push(await load(base, `base ${base}`));

const bench = newBench(`shared-chan-one-thread: one thread, N = ${N} per sample${base ? `, A/B x${ROUNDS}` : ''}`);
const str = (i: number): string => `v${i}`;
const num = (v: unknown): number => Number((v as string).slice(1));
bench
  .add('baseline: local chan(1024) trySend + tryRecv', timedSync(N, SUM, () => tries(chan(1024), (i) => i, (v) => v as number)))
  .add('baseline: local chan() recv parked, send', timed(N, SUM, () => offerRecv(chan())), { async: true })
  .add('baseline: local ping-pong cap 0', timed(N, SUM, () => pingPong(chan(), chan())), { async: true });
for (let round = 0; round < ROUNDS; round++) {
  for (const t of trees) {
    const tag = ROUNDS > 1 ? `${t.label} #${round + 1}` : t.label;
    bench
      .add(`${tag}: ring int32 trySend + tryRecv`, timedSync(N, SUM, () => tries(t.sharedChan(t.int32, 1024), (i) => i, (v) => v as number)))
      .add(`${tag}: ring string trySend + tryRecv`, timedSync(N, SUM, () => tries(t.sharedChan(t.string16, 1024), str, num)))
      .add(`${tag}: offer recv parked, send`, timed(N, SUM, () => offerRecv(t.sharedChan(t.int32))), { async: true })
      .add(`${tag}: ping-pong cap 0`, timed(N, 2 * SUM, async () => 2 * (await pingPong(t.sharedChan(t.int32), t.sharedChan(t.int32)))), { async: true })
      .add(`${tag}: ping-pong cap 1`, timed(N, SUM, () => pingPong(t.sharedChan(t.int32, 1), t.sharedChan(t.int32, 1))), { async: true })
      .add(`${tag}: select ready + select parked`, timed(N, 2 * SUM, () => selects(t)), { async: true });
  }
}
await bench.run();
report(bench, {
  unit: 'op',
  opsPerSample: `${N} operations (a trySend + tryRecv pair, a parked recv and its send, a round trip, two selects)`,
  note: 'One thread: the cost of the channel code itself, no cross-thread wake-up. A/B rows alternate the two trees.',
});
