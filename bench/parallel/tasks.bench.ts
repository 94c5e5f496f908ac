/**
 * tasks: many small tasks on 2 worker threads, gocsp's scheduler beside piscina, and CPU work beside running it
 * inline on one thread.
 *
 *   trivial:  add(a, b) (tasks/work.ts), NT tasks per sample, all submitted at once, then every result awaited.
 *             gocsp `goThread(add, i, 1)` (a promise per task), gocsp `go(addTo, i, 1, out)` (fire-and-forget,
 *             results through a sharedChan(int32, 1024) that main drains), piscina `run({ a, b }, { name: 'add' })`.
 *   CPU:      burn(BURN_ITERS) (an xorshift loop of about 50 us), NC tasks per sample: inline on the main thread
 *             (the baseline), the same three ways on 2 workers.
 *
 * Both pools have 2 threads (configureThreads({ threads: 2 }); piscina minThreads = maxThreads = 2, its other
 * options default) and are started and warmed up before the bench. The sum of the results is checked.
 *
 * Targets: trivial tasks >= 5x piscina's rate; CPU-bound on 2 threads >= 1.8x the inline one-thread rate (DESIGN.md:
 * piscina runs 21-35k trivial tasks/s here and reaches about 0.7x inline on this CPU task).
 *
 * Run alone: npx tsx bench/parallel/tasks.bench.ts (pinned: taskset -c 0 npx tsx ...)
 */
import { Piscina } from 'piscina';
import { go } from '../../runtime/go.js';
import { sharedChan } from '../../runtime/shared/channels/shared-chan.js';
import { codec } from '../../runtime/shared/codecs/codec-set.js';
import { goThread } from '../../runtime/threads/go-thread.js';
import { shutdownThreads } from '../../runtime/threads/threads-lifecycle.js';
import { newBench, report, sumTo, timed } from '../lib/harness.js';
import { add, addTo, burn, BURN_ITERS, burnLoop, burnTo } from './tasks/work.js';
import { placement, startScheduler, THREADS } from './lib/env.js';

const NT = 10_000;
const NC = 2_000;

const pool = new Piscina({
  filename: new URL('./tasks/piscina-worker.mjs', import.meta.url).href,
  minThreads: THREADS,
  maxThreads: THREADS,
});

// Trivial tasks.

const TRIVIAL_SUM = sumTo(NT) + NT;

async function gocspGoThreadAdd(): Promise<number> {
  const results = new Array<Promise<number>>(NT);
  for (let i = 0; i < NT; i++) results[i] = goThread(add, i, 1);
  let sum = 0;
  for (const r of await Promise.all(results)) sum += r;
  return sum;
}

async function gocspGoAdd(): Promise<number> {
  const out = sharedChan(codec.int32, 1024);
  for (let i = 0; i < NT; i++) go(addTo, i, 1, out);
  let sum = 0;
  for (let i = 0; i < NT; i++) sum += (await out.recv())!;
  return sum;
}

async function piscinaAdd(): Promise<number> {
  const results = new Array<Promise<number>>(NT);
  for (let i = 0; i < NT; i++) results[i] = pool.run({ a: i, b: 1 }, { name: 'add' }) as Promise<number>;
  let sum = 0;
  for (const r of await Promise.all(results)) sum += r;
  return sum;
}

// CPU-bound tasks: task i burns with seed i.

let cpuSum = 0;
const burnMs = performance.now();
for (let i = 0; i < NC; i++) cpuSum += burnLoop(BURN_ITERS, i);
const burnUs = ((performance.now() - burnMs) * 1000) / NC; // first run, JIT warm-up included: printed only
const CPU_SUM = cpuSum;

function inline(): number {
  let sum = 0;
  for (let i = 0; i < NC; i++) sum += burnLoop(BURN_ITERS, i);
  return sum;
}

async function gocspGoThreadBurn(): Promise<number> {
  const results = new Array<Promise<number>>(NC);
  for (let i = 0; i < NC; i++) results[i] = goThread(burn, BURN_ITERS, i);
  let sum = 0;
  for (const r of await Promise.all(results)) sum += r;
  return sum;
}

async function gocspGoBurn(): Promise<number> {
  const out = sharedChan(codec.int32, 1024);
  for (let i = 0; i < NC; i++) go(burnTo, BURN_ITERS, i, out);
  let sum = 0;
  for (let i = 0; i < NC; i++) sum += (await out.recv())!;
  return sum;
}

async function piscinaBurn(): Promise<number> {
  const results = new Array<Promise<number>>(NC);
  for (let i = 0; i < NC; i++) {
    results[i] = pool.run({ iters: BURN_ITERS, seed: i }, { name: 'burn' }) as Promise<number>;
  }
  let sum = 0;
  for (const r of await Promise.all(results)) sum += r;
  return sum;
}

await startScheduler();
// piscina: both threads up, the module loaded, the loop compiled.
const warm = (task: object, name: string): Promise<unknown[]> =>
  Promise.all(Array.from({ length: 4 * THREADS }, () => pool.run(task, { name })));
await warm({ iters: BURN_ITERS, seed: 1 }, 'burn');
await warm({ a: 1, b: 1 }, 'add');

const bench = newBench(`tasks: trivial and CPU-bound tasks on ${THREADS} threads  [${placement()}]`);
bench
  .add('trivial | gocsp goThread(add)', timed(NT, TRIVIAL_SUM, gocspGoThreadAdd), { async: true })
  .add('trivial | gocsp go(addTo) + sharedChan results', timed(NT, TRIVIAL_SUM, gocspGoAdd), { async: true })
  .add('trivial | piscina run(add)', timed(NT, TRIVIAL_SUM, piscinaAdd), { async: true })
  .add('cpu | baseline: inline on main, one thread', timed(NC, CPU_SUM, async () => inline()), { async: true })
  .add('cpu | gocsp goThread(burn)', timed(NC, CPU_SUM, gocspGoThreadBurn), { async: true })
  .add('cpu | gocsp go(burnTo) + sharedChan results', timed(NC, CPU_SUM, gocspGoBurn), { async: true })
  .add('cpu | piscina run(burn)', timed(NC, CPU_SUM, piscinaBurn), { async: true });
await bench.run();
await pool.destroy();
await shutdownThreads();

/** rate is a task's throughput in tasks/s from its mean (tinybench keeps latencies in ms). */
const rate = (name: string): number => {
  const r = bench.getTask(name)?.result;
  return r !== undefined && 'latency' in r ? 1e3 / r.latency.mean : NaN;
};
const k = (x: number): string => `${(x / 1000).toFixed(1)}k/s`;
const TRIVIAL = { goThread: 'trivial | gocsp goThread(add)', go: 'trivial | gocsp go(addTo) + sharedChan results' };
const CPU = { goThread: 'cpu | gocsp goThread(burn)', go: 'cpu | gocsp go(burnTo) + sharedChan results' };
const piscinaRate = rate('trivial | piscina run(add)');
const inlineRate = rate('cpu | baseline: inline on main, one thread');
const vsPiscina = (name: string): string => `${k(rate(name))} = ${(rate(name) / piscinaRate).toFixed(1)}x piscina`;
const vsInline = (name: string): string => `${(rate(name) / inlineRate).toFixed(2)}x`;
report(bench, {
  unit: 'task',
  opsPerSample:
    `${NT.toLocaleString('en-US')} trivial or ${NC.toLocaleString('en-US')} CPU tasks, ` +
    'all submitted, then all awaited',
  note: [
    `burn(${BURN_ITERS}) took ${burnUs.toFixed(1)} us on its first inline run (JIT warm-up included); ` +
      'the inline row is its steady state',
    `trivial: gocsp goThread ${vsPiscina(TRIVIAL.goThread)}, go + sharedChan ${vsPiscina(TRIVIAL.go)} ` +
      `(piscina ${k(piscinaRate)}). Target >= 5x piscina.`,
    `cpu vs inline (${k(inlineRate)}): gocsp goThread ${vsInline(CPU.goThread)}, ` +
      `go + sharedChan ${vsInline(CPU.go)}, ` +
      `piscina ${vsInline('cpu | piscina run(burn)')}. Target: gocsp >= 1.8x.`,
  ].join('\n'),
});
