/**
 * main-overhead: the same programs outside main() and inside it, written the way the README teaches (`await send`,
 * `for await`, goroutines started with go()), to check that main()'s goroutine tracking costs at most 10%.
 *
 *   ping-pong   two goroutines bounce a value over two unbuffered channels (per round trip: two parks, two wakes)
 *   prod-cons   chan(100): a producer goroutine `await ch.send(i)`, the consumer `for await (const v of ch)` (per item)
 *   select      Go's SelectUncontended: a 2-case select that never parks, then a buffered send (per pass)
 *
 * main() raises the tracking level for the rest of a process, so every variant runs in a fresh child process (both
 * start cold), and the parent alternates outside/inside ROUNDS times and reports each figure's median over the
 * rounds, with the ratio inside/outside. Within a child each workload is a tinybench task (harness.ts).
 *
 * Target (issue 9): inside main() at most 1.10x outside on ping-pong, prod-cons and select. The whole-program
 * comparison (the prime sieve, beside Go) is prime-sieve.bench.ts.
 *
 * Run alone: npx tsx bench/runtime/main-overhead.bench.ts [rounds]      (rounds defaults to 3)
 */
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { alternate, compareRows, emit, runAs } from '../lib/children.js';
import { newBench, sumTo, timed } from '../lib/harness.js';
import { pingPong, streamFor, uncontendedSelect } from '../lib/workloads.js';

const N_PING = 20_000;
const N_STREAM = 100_000;
const N_SELECT = 10_000;

const WORKLOADS = [
  { name: 'ping-pong', unit: 'ns/round trip', ops: N_PING, sum: sumTo(N_PING), run: () => pingPong(N_PING) },
  {
    name: 'prod-cons chan(100)',
    unit: 'ns/item',
    ops: N_STREAM,
    sum: sumTo(N_STREAM),
    run: () => streamFor(N_STREAM, 100),
  },
  {
    name: '2-case select',
    unit: 'ns/select',
    ops: N_SELECT,
    sum: sumTo(N_SELECT),
    run: () => uncontendedSelect(N_SELECT),
  },
] as const;

const self = fileURLToPath(import.meta.url);
const childIndex = process.argv.indexOf('--child');

if (childIndex >= 0) {
  const where = process.argv[childIndex + 1];
  const measure = async (): Promise<void> => {
    const bench = newBench(`main-overhead ${where}`, { time: 700 });
    for (const w of WORKLOADS) bench.add(w.name, timed(w.ops, w.sum, w.run));
    await bench.run();
    const medians = bench.tasks.map((t) => (t.result.state === 'completed' ? t.result.latency.p50 * 1e6 : NaN));
    emit(medians);
  };
  await runAs(where, measure);
} else {
  const rounds = Number(process.argv[2] ?? 3);
  const runs = alternate('main-overhead', self, rounds, ['--expose-gc']);
  const rows = compareRows(WORKLOADS, runs, (x) => (x >= 100 ? x.toFixed(0) : x.toFixed(1)));
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`\nmain-overhead: medians of ${rounds} alternating rounds, each a fresh process  (node ${process.version}, ${cpus()[0]?.model ?? 'cpu?'} x${cpus().length}, load ${load})`);
  console.table(rows);
  console.log('Target: inside/outside <= 1.10 on ping-pong, prod-cons and select (issue 9).');
}
