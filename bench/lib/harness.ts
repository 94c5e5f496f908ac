/**
 * harness: the few helpers every bench file shares, so that all of them measure and print the same way.
 *
 * Measuring (after mitata's "writing good benchmarks"):
 * - One sample is a batch of `ops` operations timed as a whole; the sample recorded is the mean per operation
 *   (tinybench's overriddenDuration), so the table reads directly in ns per operation, and the time budget is
 *   charged with the batch's real cost (overriddenIterationCost).
 * - Every batch returns a checksum computed from the values that went through the channel; the harness checks it
 *   against the expected value (so a broken or short-circuited workload fails loudly) and folds it into a sink that
 *   is printed at the end (so the JIT cannot drop the work as dead code).
 * - Channels and goroutines are made inside the batch, not hoisted out of it: their setup is amortised over `ops`
 *   operations, and no state leaks from one sample into the next.
 * - A full GC runs before each task (bench setup hook), so one task's garbage is not collected during the next.
 */
import { cpus, loadavg } from 'node:os';
import { Bench, type BenchOptions, type FnReturnedObject, type Task } from 'tinybench';
import { gc } from './gc.js';

let sink = 0;

/** newBench makes the file's Bench: 1 s per task after 250 ms of warm-up, at least 10 samples, GC between tasks. */
export function newBench(name: string, options: BenchOptions = {}): Bench {
  return new Bench({
    name,
    time: 1000,
    iterations: 10,
    warmupTime: 250,
    warmupIterations: 3,
    throws: false,
    setup: () => gc(),
    ...options,
  });
}

/** Batch is one sample's worth of work: it performs `ops` operations and returns a checksum of what it moved. */
export type Batch = () => Promise<number>;
export type SyncBatch = () => number;

/**
 * timed turns a batch into a tinybench task function that records the mean time per operation. `expected` is the
 * checksum a correct batch returns; a different one fails the task.
 */
export function timed(ops: number, expected: number, batch: Batch): () => Promise<FnReturnedObject> {
  return async () => {
    const t0 = performance.now();
    const sum = await batch();
    const elapsed = performance.now() - t0;
    verify(sum, expected);
    return { overriddenDuration: elapsed / ops, overriddenIterationCost: elapsed };
  };
}

/** timedSync is timed for a batch that completes synchronously. */
export function timedSync(ops: number, expected: number, batch: SyncBatch): () => FnReturnedObject {
  return () => {
    const t0 = performance.now();
    const sum = batch();
    const elapsed = performance.now() - t0;
    verify(sum, expected);
    return { overriddenDuration: elapsed / ops, overriddenIterationCost: elapsed };
  };
}

function verify(sum: number, expected: number): void {
  if (sum !== expected) throw new Error(`bench: checksum ${sum}, expected ${expected}`);
  sink = (sink + sum) | 0;
}

/** sumTo is 0 + 1 + ... + (n - 1), the checksum of a batch that moves the values 0..n-1 once. */
export function sumTo(n: number): number {
  return (n * (n - 1)) / 2;
}

/** Unsupported is a workload a peer cannot express; it is listed in the table with the reason instead of a figure. */
export interface Unsupported {
  readonly name: string;
  readonly reason: string;
}

export interface ReportOptions {
  /** unit is what one operation is, for the column titles ("round trip", "item", "select", ...). */
  readonly unit: string;
  /** opsPerSample is printed under the table so that a reader knows how each sample was batched. */
  readonly opsPerSample: string;
  readonly unsupported?: readonly Unsupported[];
  /** note is printed under the table: targets, Go's figures, caveats. */
  readonly note?: string;
}

/** report prints the environment, the results as a console.table and the notes; a failed task sets exit code 1. */
export function report(bench: Bench, o: ReportOptions): void {
  // The load average shows whether something else competed for the CPU during the run (2 vCPUs here).
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`\n${bench.name ?? 'bench'}  (node ${process.version}, ${cpus()[0]?.model ?? 'cpu?'} x${cpus().length}, load ${load})`);
  const rows: Record<string, string | number>[] = bench.tasks.map((t) => row(t, o.unit));
  for (const u of o.unsupported ?? []) rows.push({ Task: u.name, [`ns/${o.unit}`]: 'n/a', Note: u.reason });
  console.table(rows);
  console.log(`each sample: ${o.opsPerSample}; mean ± relative margin of error (95%), median, throughput from the mean`);
  if (o.note !== undefined) console.log(o.note);
  console.log(`(checksum sink ${sink})`);
}

function row(t: Task, unit: string): Record<string, string | number> {
  const r = t.result;
  if (r.state === 'completed' || r.state === 'aborted-with-statistics') {
    const mean = r.latency.mean * 1e6;
    return {
      Task: t.name,
      [`ns/${unit}`]: fmt(mean),
      '±%': r.latency.rme.toFixed(1),
      [`p50 ns/${unit}`]: fmt(r.latency.p50 * 1e6),
      [`${unit}s/s`]: Math.round(1e9 / mean).toLocaleString('en-US'),
      Samples: r.latency.samplesCount,
    };
  }
  process.exitCode = 1;
  if (r.state === 'errored') return { Task: t.name, [`ns/${unit}`]: 'ERROR', Note: r.error.message };
  return { Task: t.name, [`ns/${unit}`]: 'N/A', Note: r.state };
}

function fmt(ns: number): string {
  return ns >= 100 ? ns.toFixed(0) : ns.toFixed(1);
}
