/**
 * main-overhead-instructions: main()'s cost per operation as instruction counts, which (unlike wall clock) do not
 * depend on what else the machine is running. The same workloads as main-overhead.bench.ts (bench/lib/workloads.ts),
 * outside and inside main(), each in its own process under `valgrind --tool=callgrind`, once with N_SMALL and once
 * with N_LARGE operations: the difference divided by N_LARGE - N_SMALL is the cost per operation, with start-up, tsx
 * and most of the JIT's warm-up removed. JIT timing still moves a figure by 5-15% between identical runs: run
 * several rounds and compare ranges. A plain script (valgrind runs the children ~50x slower), not tinybench.
 *
 * Target (issue 9): inside/outside <= 1.10. Needs valgrind on PATH (Debian package `valgrind`).
 *
 * Run alone: npx tsx bench/runtime/main-overhead-instructions.bench.ts [rounds]      (rounds defaults to 1)
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { runAs } from '../lib/children.js';
import { pingPong, streamFor, uncontendedSelect } from '../lib/workloads.js';

const N_SMALL = 20_000;
const N_LARGE = 220_000;
const WORKLOADS: Record<string, (n: number) => Promise<number>> = {
  'ping-pong (per round trip)': pingPong,
  'prod-cons chan(100) (per item)': (n) => streamFor(n, 100),
  '2-case select (per select)': uncontendedSelect,
};

const self = fileURLToPath(import.meta.url);
const childIndex = process.argv.indexOf('--child');

if (childIndex >= 0) {
  const [where, name, n] = process.argv.slice(childIndex + 1);
  const run = async (): Promise<void> => {
    await WORKLOADS[name!]!(Number(n));
  };
  await runAs(where, run);
} else if (spawnSync('valgrind', ['--version']).status !== 0) {
  console.log('main-overhead-instructions: skipped, valgrind is not installed (Debian package valgrind)');
} else {
  const rounds = Number(process.argv[2] ?? 1);
  const count = (where: string, name: string, n: number): number => {
    const args = ['--tool=callgrind', '--callgrind-out-file=/dev/null', process.execPath, '--single-threaded', ...process.execArgv];
    const out = spawnSync('valgrind', [...args, self, '--child', where, name, String(n)], { encoding: 'utf8' });
    const m = /Collected : (\d+)/.exec(out.stderr ?? '');
    if (out.status !== 0 || m === null) throw new Error(`valgrind ${where} ${name} ${n} failed: ${out.error ?? out.stderr}`);
    return Number(m[1]);
  };
  const rows = [];
  for (const name of Object.keys(WORKLOADS)) {
    const per: Record<string, number[]> = { outside: [], inside: [] };
    for (let r = 0; r < rounds; r++) {
      for (const where of ['outside', 'inside']) {
        per[where]!.push(Math.round((count(where, name, N_LARGE) - count(where, name, N_SMALL)) / (N_LARGE - N_SMALL)));
      }
    }
    const ratio = per['inside']!.map((x, i) => (x / per['outside']![i]!).toFixed(3));
    rows.push({ Workload: name, 'outside main()': per['outside']!.join(', '), 'inside main()': per['inside']!.join(', '), 'inside/outside': ratio.join(', ') });
  }
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`\nmain-overhead-instructions: instructions per operation, ${rounds} round(s)  (node ${process.version}, ${cpus()[0]?.model ?? 'cpu?'} x${cpus().length}, load ${load})`);
  console.table(rows);
  console.log('Target: inside/outside <= 1.10 (issue 9).');
}
