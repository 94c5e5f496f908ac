/**
 * shared-chan-values: values of a variable-size codec from one worker thread to another, in the slot and out of line.
 *
 *   baseline:  a value that fits the channel's slot (maxBytes large enough): encoded into the ring's slot, decoded
 *              from it, as before values could go out of line.
 *   out of line: the same value through a channel whose slots are smaller than it (the default maxBytes 1024): the
 *              value goes into the arena (allocate, copy, free) and the slot holds a reference (out-of-line.ts).
 *   small:     a small object through the default structured channel, for scale (in the slot either way).
 *
 * Shapes, all through the structured codec: a 4 KB Map, an object holding 4 KB of text. A producer goroutine
 * on one worker sends N values (trySend, awaiting a send only when the buffer is full), a consumer on the other
 * receives them, timing itself from the first value to the last on its own clock, and returns the sum of the serial
 * numbers, checked against 0 + 1 + ... + N-1.
 *
 * Under the table, the same comparison on one thread, in CPU time (process.cpuUsage, which a loaded machine
 * disturbs less than the wall clock): a trySend and a tryRecv per value, in the slot and out of line, for the
 * structured, bytes and string codecs.
 *
 * Run alone: npx tsx bench/parallel/shared-chan-values.bench.ts
 */
import type { Codec } from '../../runtime/shared/codecs/codec.js';
import { codec } from '../../runtime/shared/codecs/codec-set.js';
import { sharedChan } from '../../runtime/shared/channels/shared-chan.js';
import { goThread } from '../../runtime/threads/go-thread.js';
import { shutdownThreads } from '../../runtime/threads/threads-lifecycle.js';
import { newBench, report, sumTo } from '../lib/harness.js';
import { placement, selfTimed, selfTimedSink, startScheduler, type Timed } from './lib/env.js';
import { consumeValues, make, produceValues, type Shape, type Value } from './tasks/values.js';

const CAP = 256;
const N = 20_000;

function workerToWorker(c: Codec<unknown>, shape: Shape): () => Promise<Timed> {
  return async () => {
    const ch = sharedChan(c as Codec<Value>, CAP);
    const [producer, r] = await Promise.all([goThread(produceValues, ch, shape, N), goThread(consumeValues, ch, N)]);
    if (producer === r.threadId) throw new Error('bench: producer and consumer ran on the same worker');
    return { ops: N - 1, ms: r.ms, sum: r.sum, expected: sumTo(N) };
  };
}

await startScheduler();
const bench = newBench(`shared-chan-values: 4 KB values, worker -> worker, cap ${CAP}  [${placement()}]`, {
  setup: () => {},
});
bench
  .add('baseline: structured({ maxBytes: 8192 }), 4 KB Map in the slot', selfTimed(workerToWorker(codec.structured({ maxBytes: 8192 }), 'map4k')), { async: true })
  .add('structured() (1024), 4 KB Map out of line', selfTimed(workerToWorker(codec.structured(), 'map4k')), { async: true })
  .add('baseline: structured({ maxBytes: 8192 }), 4 KB text in the slot', selfTimed(workerToWorker(codec.structured({ maxBytes: 8192 }), 'text4k')), { async: true })
  .add('structured() (1024), 4 KB text out of line', selfTimed(workerToWorker(codec.structured(), 'text4k')), { async: true })
  .add('small: structured(), small object in the slot', selfTimed(workerToWorker(codec.structured(), 'small')), { async: true });
await bench.run();
await shutdownThreads();

/** oneThread is the CPU time per trySend + tryRecv of `v` on this thread, in us (the best of 3 rounds of 5000). */
function oneThread(c: Codec<unknown>, v: unknown): number {
  const ch = sharedChan(c, CAP);
  let best = Infinity;
  for (let round = 0; round < 4; round++) {
    const c0 = process.cpuUsage();
    for (let i = 0; i < 5000; i++) {
      ch.trySend(v);
      if (ch.tryRecv() === undefined) throw new Error('bench: nothing to receive');
    }
    const u = process.cpuUsage(c0);
    if (round > 0) best = Math.min(best, (u.user + u.system) / 5000);
  }
  return best;
}
const pairs: [string, Codec<unknown>, Codec<unknown>, unknown][] = [
  ['structured 4 KB Map', codec.structured({ maxBytes: 8192 }), codec.structured(), make('map4k', 1)],
  ['structured 4 KB text', codec.structured({ maxBytes: 8192 }), codec.structured(), make('text4k', 1)],
  ['bytes 4 KB', codec.bytes({ maxBytes: 8192 }) as Codec<unknown>, codec.bytes() as Codec<unknown>, new Uint8Array(4096)],
  ['string 4 KB', codec.string({ maxBytes: 8192 }) as Codec<unknown>, codec.string() as Codec<unknown>, 'x'.repeat(4096)],
];
const cpu = pairs
  .map(([name, inSlot, outOfLine, v]) => `${name}: ${oneThread(inSlot, v).toFixed(2)} in the slot, ${oneThread(outOfLine, v).toFixed(2)} out of line`)
  .join('; ');

const tput = (name: string): number => {
  const r = bench.getTask(name)?.result;
  return r !== undefined && 'latency' in r ? 1 / r.latency.mean : NaN;
};
report(bench, {
  unit: 'value',
  opsPerSample: `${N.toLocaleString('en-US')} values, timed by the consumer from the first to the last`,
  note: [
    `out of line / in the slot (Map): ${(tput('structured() (1024), 4 KB Map out of line') / tput('baseline: structured({ maxBytes: 8192 }), 4 KB Map in the slot')).toFixed(2)}x the throughput`,
    `out of line / in the slot (text): ${(tput('structured() (1024), 4 KB text out of line') / tput('baseline: structured({ maxBytes: 8192 }), 4 KB text in the slot')).toFixed(2)}x the throughput`,
    `one thread, CPU us per trySend + tryRecv (best of 3 x 5000): ${cpu}`,
    `(self-timed sink ${selfTimedSink()})`,
  ].join('\n'),
});
