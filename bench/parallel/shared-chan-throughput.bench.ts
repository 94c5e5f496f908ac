/**
 * shared-chan-throughput: int32 values from one thread to another, as fast as they go.
 *
 *   gocsp:     sharedChan(codec.int32, 1024); producer `for i < N: await ch.send(i)`, consumer N x `await ch.recv()`
 *              (`await`), or trySend / tryRecv first and await only when full / empty (`try`, the fast path). Main
 *              -> worker (main produces, a goroutine on a scheduler worker consumes) and worker -> worker (two
 *              goroutines on the two workers).
 *   baseline:  a raw SharedArrayBuffer SPSC ring (1024 int32) worker -> worker, no channel: the consumer spins
 *              50 us, then sleeps on its own flag word (tasks/raw.ts).
 *   peers:     `worker.postMessage(i)` of each number, one way, main -> worker; the same through a MessageChannel
 *              port handed to the worker.
 *
 * Every consumer times itself from the first value to the last on its own thread's clock (the figure is the
 * steady-state rate, not the goroutines' start-up) and returns the sum, checked against 0 + 1 + ... + N-1.
 * Targets: gocsp >= 10M int32/s and >= 10x one-way postMessage. DESIGN.md: a raw SPSC ring reached about 25M
 * values/s worker -> worker here, one-way postMessage about 1M messages/s.
 *
 * Run alone: npx tsx bench/parallel/shared-chan-throughput.bench.ts (pinned: taskset -c 0 npx tsx ...)
 */
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { sharedChan } from '../../runtime/shared/channels/shared-chan.js';
import { codec } from '../../runtime/shared/codecs/codec-set.js';
import { goThread } from '../../runtime/threads/go-thread.js';
import { shutdownThreads } from '../../runtime/threads/threads-lifecycle.js';
import { newBench, report, sumTo } from '../lib/harness.js';
import { consume, produce, type Mode } from './tasks/channels.js';
import { RING_CAP, RING_WORDS, ringConsume, ringProduce } from './tasks/raw.js';
import type { Control, Counted } from './workers/counter.js';
import { placement, rawWorker, selfTimed, selfTimedSink, startScheduler, type Timed } from './lib/env.js';

const CAP = 1024;
/** N values per sample through shared memory; NP through message passing (about 1M messages/s: 0.2 s a sample). */
const N = 1_000_000;
const NP = 200_000;

async function mainToWorker(mode: Mode): Promise<Timed> {
  const ch = sharedChan(codec.int32, CAP);
  const consumed = goThread(consume, ch, N, mode);
  if (mode === 'await') {
    for (let i = 0; i < N; i++) await ch.send(i);
  } else {
    for (let i = 0; i < N; i++) if (!ch.trySend(i)) await ch.send(i);
  }
  const r = await consumed;
  return { ops: N - 1, ms: r.ms, sum: r.sum, expected: sumTo(N) };
}

async function workerToWorker(mode: Mode): Promise<Timed> {
  const ch = sharedChan(codec.int32, CAP);
  const [producer, r] = await Promise.all([goThread(produce, ch, N, mode), goThread(consume, ch, N, mode)]);
  if (producer === r.threadId) throw new Error('bench: producer and consumer ran on the same worker');
  return { ops: N - 1, ms: r.ms, sum: r.sum, expected: sumTo(N) };
}

async function rawRing(): Promise<Timed> {
  const words = new Int32Array(new SharedArrayBuffer(RING_WORDS * 4));
  const ring = new Int32Array(new SharedArrayBuffer(RING_CAP * 4));
  const [producer, r] = await Promise.all([
    goThread(ringProduce, words, ring, N),
    goThread(ringConsume, words, ring, N),
  ]);
  if (producer === r.threadId) throw new Error('bench: producer and consumer ran on the same worker');
  return { ops: N - 1, ms: r.ms, sum: r.sum, expected: sumTo(N) };
}

/** posted sends 0 .. NP-1 one message each on `port` (a Worker or a MessagePort) and waits for the count. */
function posted(port: Worker | MessagePort): () => Promise<Timed> {
  return async () => {
    const counted = new Promise<Counted>((resolve) => port.once('message', resolve));
    port.postMessage({ t: 'start', n: NP } satisfies Control);
    for (let i = 0; i < NP; i++) port.postMessage(i);
    const r = await counted;
    return { ops: NP - 1, ms: r.ms, sum: r.sum, expected: sumTo(NP) };
  };
}

await startScheduler();
const peer = await rawWorker('counter.ts');
const { port1, port2 } = new MessageChannel();
peer.postMessage({ t: 'port', port: port2 } satisfies Control, [port2]);

const GOCSP = 'gocsp sharedChan(int32, 1024)';
// No full GC before each task here (the harness's default): after one, V8 keeps the main thread's young generation
// small for the rest of the task, and the scavenges that follow slow the main thread's side (A/B in
// bench/RESULTS.md). A program does not run a full GC before its loops.
const bench = newBench(`shared-chan-throughput: int32, one thread -> another  [${placement()}]`, { setup: () => {} });
for (const mode of ['await', 'try'] as const) {
  bench.add(`${GOCSP} main -> worker, ${mode}`, selfTimed(() => mainToWorker(mode)), { async: true });
}
for (const mode of ['await', 'try'] as const) {
  bench.add(`${GOCSP} worker -> worker, ${mode}`, selfTimed(() => workerToWorker(mode)), { async: true });
}
bench
  .add('baseline: raw SAB SPSC ring (1024) worker -> worker', selfTimed(rawRing), { async: true })
  .add('worker.postMessage(i) main -> worker, one way', selfTimed(posted(peer)), { async: true })
  .add('MessageChannel port.postMessage(i) main -> worker', selfTimed(posted(port1)), { async: true });

await bench.run();
port1.close();
await peer.terminate();
await shutdownThreads();

/** mps is a task's rate in M values/s, from its mean (tinybench keeps latencies in ms). */
const mps = (name: string): number => {
  const r = bench.getTask(name)?.result;
  return r !== undefined && 'latency' in r ? 1e-3 / r.latency.mean : NaN;
};
const best = Math.max(...bench.tasks.filter((t) => t.name.startsWith(GOCSP)).map((t) => mps(t.name)));
const pm = mps('worker.postMessage(i) main -> worker, one way');
report(bench, {
  unit: 'value',
  opsPerSample:
    `${N.toLocaleString('en-US')} values (shared memory) or ${NP.toLocaleString('en-US')} messages, ` +
    'timed by the consumer from the first to the last',
  note: [
    `M values/s: ${bench.tasks
      .map((t) => `${t.name.replace(`${GOCSP} `, 'gocsp ')} ${mps(t.name).toFixed(2)}`)
      .join('; ')}`,
    `gocsp best ${best.toFixed(2)}M/s = ${(best / pm).toFixed(1)}x one-way postMessage. ` +
      'Targets: >= 10M int32/s, >= 10x one-way postMessage.',
    `(self-timed sink ${selfTimedSink()})`,
  ].join('\n'),
});
