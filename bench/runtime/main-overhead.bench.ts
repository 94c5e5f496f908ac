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
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chan } from '../../runtime/chan/local-chan.js';
import { go } from '../../runtime/go.js';
import { main } from '../../runtime/main.js';
import { recvCase, select } from '../../runtime/select.js';
import { newBench, sumTo, timed } from '../lib/harness.js';

const N_PING = 20_000;
const N_STREAM = 100_000;
const N_SELECT = 10_000;

function pingPong(): Promise<number> {
  const ping = chan<number>();
  const pong = chan<number>();
  const done = chan<number>(1);
  go(async () => {
    for (let i = 0; i < N_PING; i++) await pong.send((await ping.recv())!);
  });
  go(async () => {
    let sum = 0;
    for (let i = 0; i < N_PING; i++) {
      await ping.send(i);
      sum += (await pong.recv())!;
    }
    await done.send(sum);
  });
  return done.recv() as Promise<number>;
}

async function prodCons(): Promise<number> {
  const ch = chan<number>(100);
  go(async () => {
    for (let i = 0; i < N_STREAM; i++) await ch.send(i);
    ch.close();
  });
  let sum = 0;
  for await (const v of ch) sum += v;
  return sum;
}

async function uncontendedSelect(): Promise<number> {
  const c1 = chan<number>(1);
  const c2 = chan<number>(1);
  c1.trySend(0);
  let sum = 0;
  for (let i = 0; i < N_SELECT; i++) {
    const to = await select([recvCase(c1, (v) => ((sum += v!), c2)), recvCase(c2, (v) => ((sum += v!), c1))]);
    await to.send(i + 1);
  }
  return sum;
}

const WORKLOADS = [
  { name: 'ping-pong', unit: 'ns/round trip', ops: N_PING, sum: sumTo(N_PING), run: pingPong },
  { name: 'prod-cons chan(100)', unit: 'ns/item', ops: N_STREAM, sum: sumTo(N_STREAM), run: prodCons },
  { name: '2-case select', unit: 'ns/select', ops: N_SELECT, sum: sumTo(N_SELECT), run: uncontendedSelect },
] as const;

const RESULT = 'RESULT ';
const self = fileURLToPath(import.meta.url);
const childIndex = process.argv.indexOf('--child');

if (childIndex >= 0) {
  const where = process.argv[childIndex + 1];
  const measure = async (): Promise<void> => {
    const bench = newBench(`main-overhead ${where}`, { time: 700 });
    for (const w of WORKLOADS) bench.add(w.name, timed(w.ops, w.sum, w.run));
    await bench.run();
    const medians = bench.tasks.map((t) => (t.result.state === 'completed' ? t.result.latency.p50 * 1e6 : NaN));
    console.log(RESULT + JSON.stringify(medians));
  };
  if (where === 'inside') {
    main(async () => {
      await measure();
    });
  } else {
    await measure();
  }
} else {
  const rounds = Number(process.argv[2] ?? 3);
  const runs: Record<'outside' | 'inside', number[][]> = { outside: [], inside: [] };
  for (let r = 0; r < rounds; r++) {
    for (const where of ['outside', 'inside'] as const) {
      const out = spawnSync(process.execPath, [...process.execArgv, '--expose-gc', self, '--child', where], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
        timeout: 300_000,
      });
      const line = out.stdout.split('\n').find((l) => l.startsWith(RESULT));
      if (line === undefined) throw new Error(`main-overhead: the ${where} child failed (status ${out.status})`);
      runs[where].push(JSON.parse(line.slice(RESULT.length)) as number[]);
    }
  }
  const median = (xs: number[]): number => xs.sort((a, b) => a - b)[xs.length >> 1]!;
  const rows = WORKLOADS.map((w, i) => {
    const o = median(runs.outside.map((m) => m[i]!));
    const n = median(runs.inside.map((m) => m[i]!));
    const f = (x: number): string => (x >= 100 ? x.toFixed(0) : x.toFixed(1));
    return { Workload: w.name, Unit: w.unit, 'outside main()': f(o), 'inside main()': f(n), 'inside/outside': +(n / o).toFixed(3) };
  });
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`\nmain-overhead: medians of ${rounds} alternating rounds, each a fresh process  (node ${process.version}, ${cpus()[0]?.model ?? 'cpu?'} x${cpus().length}, load ${load})`);
  console.table(rows);
  console.log('Target: inside/outside <= 1.10 on ping-pong, prod-cons and select (issue 9).');
}
