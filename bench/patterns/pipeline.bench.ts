/**
 * pipeline: what a 3-stage pipeline costs per item when the stages themselves are almost free (async functions that
 * resolve at once: +1, *2, -2), so the figures are the machinery's overhead. Each sample moves N items 0..N-1
 * through the three stages and sums the outputs (checksum 2 * sum(0..N-1)):
 *
 *   baseline: async loop     `for (x of inputs) sum += await s3(await s2(await s1(x)))`: no concurrency, no buffers
 *   node:stream pipeline     Readable.from(inputs) -> 3 objectMode Transforms -> a Writable that sums (highWaterMark 16)
 *   gocsp processBatch       Pipeline with 3 stages, concurrency 1, bufferSize 16, ordered (the defaults)
 *   gocsp metrics off        the same with enableMetrics: false (no clock read per item and stage)
 *   gocsp processStream      the same, fed by an async generator and consumed with for await
 *   gocsp unordered c=4      processBatch with ordered: false and concurrency 4 per stage
 *   gocsp ordered c=4        processBatch, ordered, concurrency 4 per stage (reorder buffer in use)
 *
 * Target: gocsp processBatch at most the per-item cost of the node:stream pipeline (same buffering, same order).
 *
 * Run alone: npx tsx bench/patterns/pipeline.bench.ts
 */
import { Readable, Transform, Writable } from 'node:stream';
import { pipeline as streamPipeline } from 'node:stream/promises';
import { Pipeline } from '../../patterns/pipelines/pipeline.js';
import { newBench, report, sumTo, timed } from '../lib/harness.js';

const N = 20_000;
const SUM = 2 * sumTo(N);
const inputs = Array.from({ length: N }, (_, i) => i);

const s1 = async (x: number): Promise<number> => x + 1;
const s2 = async (x: number): Promise<number> => x * 2;
const s3 = async (x: number): Promise<number> => x - 2;

async function loop(): Promise<number> {
  let sum = 0;
  for (const x of inputs) sum += await s3(await s2(await s1(x)));
  return sum;
}

function transform(f: (x: number) => Promise<number>): Transform {
  return new Transform({
    objectMode: true,
    highWaterMark: 16,
    transform(x: number, _enc, cb) {
      f(x).then((y) => cb(null, y), cb);
    },
  });
}

async function nodeStreams(): Promise<number> {
  let sum = 0;
  const sink = new Writable({
    objectMode: true,
    highWaterMark: 16,
    write(y: number, _enc, cb) {
      sum += y;
      cb();
    },
  });
  await streamPipeline(Readable.from(inputs, { highWaterMark: 16 }), transform(s1), transform(s2), transform(s3), sink);
  return sum;
}

function build(concurrency: number, ordered: boolean, enableMetrics = true): Pipeline<number, number> {
  return new Pipeline<number>({ ordered, concurrency, enableMetrics })
    .addStage('s1', s1)
    .addStage('s2', s2)
    .addStage('s3', s3);
}

const p1 = build(1, true);
const p1bare = build(1, true, false);
const p4 = build(4, true);
const u4 = build(4, false);

async function batch(p: Pipeline<number, number>): Promise<number> {
  let sum = 0;
  for (const y of await p.processBatch(inputs)) sum += y;
  return sum;
}

async function* source(): AsyncGenerator<number> {
  for (const x of inputs) yield x;
}

async function stream(): Promise<number> {
  let sum = 0;
  for await (const y of p1.processStream(source())) sum += y;
  return sum;
}

const bench = newBench('pipeline: 3 trivial async stages, per item');
bench
  .add('baseline: async loop', timed(N, SUM, loop), { async: true })
  .add('node:stream pipeline (3 Transforms)', timed(N, SUM, nodeStreams), { async: true })
  .add('gocsp processBatch (c=1, ordered)', timed(N, SUM, () => batch(p1)), { async: true })
  .add('gocsp processBatch (c=1, metrics off)', timed(N, SUM, () => batch(p1bare)), { async: true })
  .add('gocsp processStream (async gen)', timed(N, SUM, stream), { async: true })
  .add('gocsp processBatch (c=4, unordered)', timed(N, SUM, () => batch(u4)), { async: true })
  .add('gocsp processBatch (c=4, ordered)', timed(N, SUM, () => batch(p4)), { async: true });

await bench.run();
report(bench, {
  unit: 'item',
  opsPerSample: `${N} items through 3 stages`,
  note: 'Target: gocsp processBatch (c=1) at most the node:stream pipeline per item.',
});
