/**
 * pool-streaming: one million trivial jobs streamed through a pool with backpressure (issue 11, section 5): jobs/s
 * and peak memory, gocsp's pool beside p-queue and p-map doing the same, and a baseline that calls the job inline.
 *
 *   job: x => x + 1 (synchronous), summed by the variant so that the work cannot be dropped; 4 at once; at most
 *   QUEUE jobs waiting. Each variant produces its inputs one at a time from a counter (no 1M-element input array).
 *
 *   inline                 baseline: for i < N: sum += job(i) (the floor: no pool)
 *   gocsp enqueue          FixedWorkerPool(4, { worker: job, queueSize: QUEUE }): await pool.enqueue(i); onIdle()
 *   gocsp map unordered    for await (const v of pool.map(inputs(), { ordered: false, concurrency: QUEUE }))
 *   gocsp map ordered      the same, ordered
 *   p-queue                new PQueue({ concurrency: 4 }): await queue.onSizeLessThan(QUEUE); queue.add(() => job(i))
 *                          (p-queue's own backpressure recipe), then onIdle()
 *   p-map iterable         pMapIterable(inputs(), job, { concurrency: 4, backpressure: QUEUE })
 *   p-map                  pMap(inputs(), job, { concurrency: 4 }) (the classic form: it holds every result until
 *                          the end, so its memory grows with N; here for scale)
 *
 * Each variant runs in a fresh child process (no heap or JIT state carried over), ROUNDS rounds alternating between
 * the variants; the table shows medians. Memory: process.memoryUsage() sampled every SAMPLE jobs and at the end; the
 * peak heapUsed and RSS over the heap and RSS after a full GC before the run.
 *
 * p-map and p-queue are devDependencies (p-map 7.1.1, p-queue 9.3.5, the last p-queue for Node 20). If they are not
 * installed, set GOCSP_BENCH_PEERS to a node_modules directory that has them (e.g. after `npm i p-map p-queue` in
 * /tmp/pq: GOCSP_BENCH_PEERS=/tmp/pq/node_modules); without either, their rows are skipped.
 *
 * Run alone: npx tsx bench/patterns/pool-streaming.bench.ts [rounds] [jobs]      (defaults: 3 rounds, 1000000 jobs)
 */
import { existsSync, readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { FixedWorkerPool } from '../../patterns/worker-pools/fixed-pool.js';
import { emit, median, runChild } from '../lib/children.js';
import { gc } from '../lib/gc.js';

const WORKERS = 4;
const QUEUE = 1024;
const SAMPLE = 10_000;

interface Run {
  readonly sum: number;
  readonly ms: number;
  readonly heapMB: number;
  readonly rssMB: number;
}

const job = (x: number): number => x + 1;

function* inputs(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

/** Meter samples the memory every SAMPLE jobs and keeps the peaks. */
class Meter {
  #heap = 0;
  #rss = 0;
  readonly #heap0: number;
  readonly #rss0: number;
  constructor() {
    gc();
    const m = process.memoryUsage();
    this.#heap0 = m.heapUsed;
    this.#rss0 = m.rss;
  }
  tick(i: number): void {
    if (i % SAMPLE === 0) this.sample();
  }
  sample(): void {
    const m = process.memoryUsage();
    if (m.heapUsed > this.#heap) this.#heap = m.heapUsed;
    if (m.rss > this.#rss) this.#rss = m.rss;
  }
  result(sum: number, ms: number): Run {
    this.sample();
    const mb = (b: number): number => +(b / 2 ** 20).toFixed(1);
    return { sum, ms, heapMB: mb(this.#heap - this.#heap0), rssMB: mb(this.#rss - this.#rss0) };
  }
}

// The peers are imported by a name held in a variable: the bench type-checks whether or not they are installed.
type PQueueLike = {
  add(fn: () => number): Promise<number>;
  onSizeLessThan(n: number): Promise<void>;
  onIdle(): Promise<void>;
};
type PQueueClass = new (o: { concurrency: number }) => PQueueLike;
type PMapModule = {
  default: (input: Iterable<number>, fn: (x: number) => number, o: { concurrency: number }) => Promise<number[]>;
  pMapIterable: (input: Iterable<number>, fn: (x: number) => number, o: { concurrency: number; backpressure: number }) => AsyncIterable<number>;
};

async function peer<T>(name: string): Promise<T | null> {
  try {
    return (await import(name)) as T;
  } catch {
    const dir = process.env.GOCSP_BENCH_PEERS;
    if (dir === undefined || !existsSync(join(dir, name, 'package.json'))) return null;
    const pkg = JSON.parse(readFileSync(join(dir, name, 'package.json'), 'utf8')) as { exports?: { default?: string }; main?: string };
    const entry = pkg.exports?.default ?? pkg.main ?? 'index.js';
    return (await import(pathToFileURL(join(dir, name, entry)).href)) as T;
  }
}

const VARIANTS: Record<string, (n: number) => Promise<Run | null>> = {
  async inline(n) {
    const meter = new Meter();
    const t0 = performance.now();
    let sum = 0;
    for (let i = 0; i < n; i++) {
      sum += job(i);
      meter.tick(i);
    }
    return meter.result(sum, performance.now() - t0);
  },

  async 'gocsp enqueue'(n) {
    let sum = 0;
    const pool = new FixedWorkerPool<number, void>(WORKERS, { worker: (x) => void (sum += job(x)), queueSize: QUEUE });
    const meter = new Meter();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      await pool.enqueue(i);
      meter.tick(i);
    }
    await pool.onIdle();
    const run = meter.result(sum, performance.now() - t0);
    await pool.stop();
    return run;
  },

  async 'gocsp map unordered'(n) {
    return gocspMap(n, false);
  },

  async 'gocsp map ordered'(n) {
    return gocspMap(n, true);
  },

  async 'p-queue'(n) {
    const mod = await peer<{ default: PQueueClass }>('p-queue');
    if (mod === null) return null;
    let sum = 0;
    const queue = new mod.default({ concurrency: WORKERS });
    const meter = new Meter();
    const t0 = performance.now();
    for (let i = 0; i < n; i++) {
      await queue.onSizeLessThan(QUEUE);
      void queue.add(() => (sum += job(i)));
      meter.tick(i);
    }
    await queue.onIdle();
    return meter.result(sum, performance.now() - t0);
  },

  async 'p-map iterable'(n) {
    const mod = await peer<PMapModule>('p-map');
    if (mod === null) return null;
    const meter = new Meter();
    const t0 = performance.now();
    let sum = 0;
    let i = 0;
    for await (const v of mod.pMapIterable(inputs(n), job, { concurrency: WORKERS, backpressure: QUEUE })) {
      sum += v;
      meter.tick(i++);
    }
    return meter.result(sum, performance.now() - t0);
  },

  async 'p-map'(n) {
    const mod = await peer<PMapModule>('p-map');
    if (mod === null) return null;
    const meter = new Meter();
    const t0 = performance.now();
    let i = 0;
    const counted = (x: number): number => {
      meter.tick(i++);
      return job(x);
    };
    const out = await mod.default(inputs(n), counted, { concurrency: WORKERS });
    let sum = 0;
    for (const v of out) sum += v;
    return meter.result(sum, performance.now() - t0);
  },
};

async function gocspMap(n: number, ordered: boolean): Promise<Run> {
  const pool = new FixedWorkerPool<number, number>(WORKERS, { worker: job, queueSize: QUEUE });
  const meter = new Meter();
  const t0 = performance.now();
  let sum = 0;
  let i = 0;
  for await (const v of pool.map(inputs(n), { ordered, concurrency: QUEUE })) {
    sum += v;
    meter.tick(i++);
  }
  const run = meter.result(sum, performance.now() - t0);
  await pool.stop();
  return run;
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  const name = process.argv[childIndex + 1]!;
  const n = Number(process.argv[childIndex + 2]);
  const run = await VARIANTS[name]!(n);
  emit(run ?? { skipped: true });
} else {
  const rounds = Number(process.argv[2] ?? 3);
  const n = Number(process.argv[3] ?? 1_000_000);
  const want = n * (n + 1) / 2; // sum of job(i) = i + 1 for i < n
  const self = fileURLToPath(import.meta.url);
  const names = Object.keys(VARIANTS);
  const runs = new Map<string, Run[]>(names.map((k) => [k, []]));
  const skipped = new Set<string>();
  for (let r = 0; r < rounds; r++) {
    for (const name of names) {
      if (skipped.has(name)) continue;
      const [out] = runChild<Run | { skipped: true }>(`pool-streaming ${name}`, process.execPath, [...process.execArgv, self, '--child', name, String(n)]);
      if (out === undefined || 'skipped' in out) {
        skipped.add(name);
        continue;
      }
      if (out.sum !== want) throw new Error(`pool-streaming: ${name} summed ${out.sum}, not ${want}`);
      runs.get(name)!.push(out);
    }
  }
  const base = median(runs.get('inline')!.map((x) => x.ms));
  const rows = names
    .filter((k) => !skipped.has(k))
    .map((k) => {
      const rs = runs.get(k)!;
      const ms = median(rs.map((x) => x.ms));
      return {
        Variant: k,
        'jobs/s': `${((n / ms) * 1000 / 1e6).toFixed(2)}M`,
        'ns/job': Math.round((ms * 1e6) / n),
        'x inline': +(ms / base).toFixed(1),
        'peak heap MB': median(rs.map((x) => x.heapMB)),
        'peak RSS MB': median(rs.map((x) => x.rssMB)),
      };
    });
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(
    `\npool-streaming: ${n.toLocaleString('en-US')} trivial jobs, ${WORKERS} at once, <= ${QUEUE} waiting; median of ${rounds} ` +
      `rounds, fresh process each (node ${process.version}, ${cpus()[0]?.model ?? 'cpu?'} x${cpus().length}, load ${load})`,
  );
  console.table(rows);
  if (skipped.size > 0) console.log(`skipped (not installed; see GOCSP_BENCH_PEERS): ${[...skipped].join(', ')}`);
}
