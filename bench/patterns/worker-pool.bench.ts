/**
 * worker-pool: FixedWorkerPool with thread tasks beside piscina, on trivial and CPU-bound tasks, both on 2 threads,
 * and CPU-bound work beside running it inline on one thread.
 *
 *   trivial: addOne(i), NT jobs per sample, all submitted at once, then every result awaited.
 *   CPU:     burn(i) (about 50 us), NC jobs per sample; the baseline runs them inline on the main thread.
 *
 * FixedWorkerPool(n, { task }) is n pool worker goroutines, each running a window of queued jobs at once as thread
 * tasks (no taskTimeout; configureThreads({ threads: 2 })): n = 2 (one pool worker per thread) and n = 256 (many
 * pool workers over the same 2 threads). piscina: minThreads = maxThreads =
 * 2, its other options default (concurrentTasksPerWorker 1). The raw goThread row is the runtime's own floor.
 *
 * Targets: trivial >= 5x piscina's rate; CPU-bound on 2 threads >= 1.8x the inline one-thread rate.
 *
 * Run alone: npx tsx bench/patterns/worker-pool.bench.ts
 */
import { Piscina } from 'piscina';
import { goThread } from '../../runtime/threads/go-thread.js';
import { configureThreads, shutdownThreads } from '../../runtime/threads/threads-lifecycle.js';
import { FixedWorkerPool } from '../../patterns/worker-pools/fixed-pool.js';
import { newBench, report, sumTo, timed } from '../lib/harness.js';
import { addOne, burn, burnLoop } from './tasks/pool-work.js';

const THREADS = 2;
const NT = 10_000;
const NC = 2_000;

configureThreads({ threads: THREADS });
const piscina = new Piscina({
  filename: new URL('./tasks/pool-piscina-worker.mjs', import.meta.url).href,
  minThreads: THREADS,
  maxThreads: THREADS,
});
const trivial2 = new FixedWorkerPool<number, number>(2, { task: addOne, name: 'trivial-2' });
const trivialMany = new FixedWorkerPool<number, number>(256, { task: addOne, name: 'trivial-256', queueSize: NT });
const cpu2 = new FixedWorkerPool<number, number>(2, { task: burn, name: 'cpu-2', queueSize: NC });
const cpu8 = new FixedWorkerPool<number, number>(8, { task: burn, name: 'cpu-8', queueSize: NC });

const TRIVIAL_SUM = sumTo(NT) + NT;
let cpuSum = 0;
const t0 = performance.now();
for (let i = 0; i < NC; i++) cpuSum += burnLoop(30_000, i);
const burnUs = ((performance.now() - t0) * 1000) / NC;
const CPU_SUM = cpuSum;

async function sumAll(ps: Promise<number>[]): Promise<number> {
  let sum = 0;
  for (const v of await Promise.all(ps)) sum += v;
  return sum;
}

const poolRun = (pool: FixedWorkerPool<number, number>, n: number) => () =>
  sumAll(Array.from({ length: n }, (_, i) => pool.submit(i)));
const goThreadRun = (fn: (i: number) => number, n: number) => () => sumAll(Array.from({ length: n }, (_, i) => goThread(fn, i)));
const piscinaRun = (name: string, n: number) => () =>
  sumAll(Array.from({ length: n }, (_, i) => piscina.run(i, { name }) as Promise<number>));

function inline(): number {
  let sum = 0;
  for (let i = 0; i < NC; i++) sum += burnLoop(30_000, i);
  return sum;
}

// Warm up: both runtimes' threads up, the modules loaded, the loops compiled.
for (let k = 0; k < 3; k++) {
  await Promise.all([poolRun(trivialMany, 1000)(), poolRun(cpu8, 100)(), piscinaRun('addOne', 1000)(), piscinaRun('burn', 100)()]);
}

const T2 = 'trivial | FixedWorkerPool(2, { task })';
const TM = 'trivial | FixedWorkerPool(256, { task })';
const TG = 'trivial | raw goThread (runtime floor)';
const TP = 'trivial | piscina run (2 threads)';
const CI = 'cpu | baseline: inline on main, one thread';
const C2 = 'cpu | FixedWorkerPool(2, { task })';
const C8 = 'cpu | FixedWorkerPool(8, { task })';
const CP = 'cpu | piscina run (2 threads)';
const bench = newBench(`worker-pool: FixedWorkerPool with thread tasks vs piscina, ${THREADS} threads`);
bench
  .add(T2, timed(NT, TRIVIAL_SUM, poolRun(trivial2, NT)), { async: true })
  .add(TM, timed(NT, TRIVIAL_SUM, poolRun(trivialMany, NT)), { async: true })
  .add(TG, timed(NT, TRIVIAL_SUM, goThreadRun(addOne, NT)), { async: true })
  .add(TP, timed(NT, TRIVIAL_SUM, piscinaRun('addOne', NT)), { async: true })
  .add(CI, timed(NC, CPU_SUM, async () => inline()), { async: true })
  .add(C2, timed(NC, CPU_SUM, poolRun(cpu2, NC)), { async: true })
  .add(C8, timed(NC, CPU_SUM, poolRun(cpu8, NC)), { async: true })
  .add(CP, timed(NC, CPU_SUM, piscinaRun('burn', NC)), { async: true });
await bench.run();
await Promise.all([trivial2.stop(), trivialMany.stop(), cpu2.stop(), cpu8.stop()]);
await piscina.destroy();
await shutdownThreads();

const rate = (name: string): number => {
  const r = bench.getTask(name)?.result;
  return r !== undefined && 'latency' in r ? 1e3 / r.latency.mean : NaN;
};
const k = (x: number): string => `${(x / 1000).toFixed(1)}k/s`;
const x = (a: string, b: string): string => `${(rate(a) / rate(b)).toFixed(2)}x`;
report(bench, {
  unit: 'task',
  opsPerSample: `${NT.toLocaleString('en-US')} trivial or ${NC.toLocaleString('en-US')} CPU jobs, all submitted, then all awaited`,
  note: [
    `burn took ${burnUs.toFixed(1)} us on its first inline run (JIT warm-up included)`,
    `trivial vs piscina (${k(rate(TP))}): pool(2) ${k(rate(T2))} = ${x(T2, TP)}, pool(256) ${k(rate(TM))} = ${x(TM, TP)}, ` +
      `raw goThread ${x(TG, TP)}. Target >= 5x piscina.`,
    `cpu vs inline (${k(rate(CI))}): pool(2) ${x(C2, CI)}, pool(8) ${x(C8, CI)}, piscina ${x(CP, CI)}. Target >= 1.8x.`,
  ].join('\n'),
});
