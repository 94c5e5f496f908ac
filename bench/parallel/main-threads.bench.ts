/**
 * main-threads: what main()'s deadlock detection across threads costs the programs it watches. Under main() every
 * thread publishes when its event loop runs dry (a 'beforeExit', a port ref'd and unref'd on a worker, a read of
 * the registry on main: runtime/threads/deadlock.ts), so the workloads are those whose threads go idle all the time:
 *
 *   main<->worker     ping-pong over two unbuffered shared channels, main pinging, a worker ponging (per round trip)
 *   worker<->worker   the same between two workers, main waiting for the result (per round trip)
 *   goThread one by one   main awaits goThread(add) N times in a row: main idles during each (per task)
 *
 * main() changes a process for good, so every variant runs in a fresh child process; the parent alternates
 * outside/inside ROUNDS times and reports each figure's median over the rounds, with the ratio inside/outside.
 * Within a child each workload runs SAMPLES times after a warm-up; the child reports each one's median.
 *
 * Run alone: npx tsx bench/parallel/main-threads.bench.ts [rounds]      (rounds defaults to 3)
 */
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { sharedChan } from '../../runtime/shared/channels/shared-chan.js';
import { codec } from '../../runtime/shared/codecs/codec-set.js';
import { goThread } from '../../runtime/threads/go-thread.js';
import { alternate, compareRows, emit, median, runAs } from '../lib/children.js';
import { pinger, ponger } from './tasks/channels.js';
import { add } from './tasks/work.js';
import { startScheduler } from './lib/env.js';

const TRIPS = 5_000;
const TASKS = 2_000;
const SAMPLES = 5;
const MAX_MS = 60_000;

/** mainWorker: ns per round trip, main pinging a worker. */
async function mainWorker(): Promise<number> {
  const ping = sharedChan(codec.int32);
  const pong = sharedChan(codec.int32);
  const echoed = goThread(ponger, ping, pong);
  const r = await pinger(ping, pong, TRIPS, MAX_MS); // a task called directly runs here, on main
  await echoed;
  return (r.ms * 1e6) / r.trips;
}

/** workerWorker: ns per round trip between two workers. */
async function workerWorker(): Promise<number> {
  const ping = sharedChan(codec.int32);
  const pong = sharedChan(codec.int32);
  const [r] = await Promise.all([goThread(pinger, ping, pong, TRIPS, MAX_MS), goThread(ponger, ping, pong)]);
  return (r.ms * 1e6) / r.trips;
}

/** oneByOne: ns per goThread awaited before the next starts. */
async function oneByOne(): Promise<number> {
  const t0 = performance.now();
  let sum = 0;
  for (let i = 0; i < TASKS; i++) sum += await goThread(add, i, 1);
  if (sum !== (TASKS * (TASKS + 1)) / 2) throw new Error('bench: wrong sum');
  return ((performance.now() - t0) * 1e6) / TASKS;
}

const WORKLOADS = [
  { name: 'main<->worker ping-pong', unit: 'ns/round trip', run: mainWorker },
  { name: 'worker<->worker ping-pong', unit: 'ns/round trip', run: workerWorker },
  { name: 'goThread one by one', unit: 'ns/task', run: oneByOne },
] as const;

const self = fileURLToPath(import.meta.url);
const childIndex = process.argv.indexOf('--child');

if (childIndex >= 0) {
  const where = process.argv[childIndex + 1];
  const measure = async (): Promise<void> => {
    await startScheduler();
    const out: number[] = [];
    for (const w of WORKLOADS) {
      await w.run(); // warm-up
      const xs: number[] = [];
      for (let s = 0; s < SAMPLES; s++) xs.push(await w.run());
      out.push(median(xs));
    }
    emit(out);
  };
  await runAs(where, measure);
} else {
  const rounds = Number(process.argv[2] ?? 3);
  const rows = compareRows(WORKLOADS, alternate('main-threads', self, rounds), (x) => x.toFixed(0));
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`\nmain-threads: medians of ${rounds} alternating rounds, each a fresh process  (node ${process.version}, ${cpus()[0]?.model ?? 'cpu?'} x${cpus().length}, load ${load})`);
  console.table(rows);
}
