/**
 * prime-sieve: a whole Go-shaped program, the concurrent prime sieve (a generator goroutine feeding a chain of
 * filter goroutines over unbuffered channels, one per prime found, first 800 primes), written the README's way
 * (`for await` over the source, `await send`), in gocsp outside main(), inside main(), and in Go
 * (bench/runtime/go/sieve.go, built with the machine's `go` if there is one).
 *
 * Each variant runs in fresh processes, ROUNDS rounds alternating between variants; each process runs the sieve
 * REPS times and reports the fastest run (the first pays V8's warm-up; Go has none). Figures are wall and CPU
 * milliseconds for finding the primes, start-up excluded. The Go program leaks its chain of goroutines, as the
 * classic sieve does; gocsp does the same (outside main() the parked chain is garbage-collected, inside main() it is
 * kept, as Go keeps it).
 *
 * Run alone: npx tsx bench/runtime/prime-sieve.bench.ts [rounds]      (rounds defaults to 3)
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chan } from '../../runtime/chan/local-chan.js';
import type { RecvChan, SendChan } from '../../runtime/chan/types.js';
import { go } from '../../runtime/go.js';
import { main } from '../../runtime/main.js';
import { emit, median, runChild } from '../lib/children.js';

const PRIMES = 800;
const LAST = 6133; // the 800th prime
const REPS = 3;

async function generate(ch: SendChan<number>): Promise<void> {
  for (let i = 2; ; i++) await ch.send(i);
}

async function filter(src: RecvChan<number>, dst: SendChan<number>, prime: number): Promise<void> {
  for await (const n of src) if (n % prime !== 0) await dst.send(n);
}

async function sieve(): Promise<number> {
  let ch = chan<number>();
  go(generate, ch);
  let prime = 0;
  for (let i = 0; i < PRIMES; i++) {
    prime = (await ch.recv())!;
    const next = chan<number>();
    go(filter, ch, next, prime);
    ch = next;
  }
  return prime;
}

interface Run {
  readonly last: number;
  readonly wallMs: number;
  readonly cpuMs: number;
}

const self = fileURLToPath(import.meta.url);
const childIndex = process.argv.indexOf('--child');

async function measure(): Promise<void> {
  for (let r = 0; r < REPS; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const last = await sieve();
    const c = process.cpuUsage(c0);
    const run: Run = { last, wallMs: performance.now() - t0, cpuMs: (c.user + c.system) / 1000 };
    emit(run);
  }
}

if (childIndex >= 0) {
  if (process.argv[childIndex + 1] === 'inside') {
    main(async () => {
      await measure();
    });
  } else {
    await measure();
  }
} else {
  const rounds = Number(process.argv[2] ?? 3);
  const dir = mkdtempSync(join(tmpdir(), 'gocsp-sieve-'));
  const goBin = join(dir, 'sieve');
  const built = spawnSync('go', ['build', '-o', goBin, fileURLToPath(new URL('./go/sieve.go', import.meta.url))], {
    encoding: 'utf8',
  });
  const hasGo = built.status === 0;
  const variants: { name: string; cmd: string; args: string[] }[] = [
    { name: 'gocsp outside main()', cmd: process.execPath, args: [...process.execArgv, self, '--child', 'outside'] },
    { name: 'gocsp inside main()', cmd: process.execPath, args: [...process.execArgv, self, '--child', 'inside'] },
  ];
  if (hasGo) variants.push({ name: 'Go (GOMAXPROCS=2)', cmd: goBin, args: [String(PRIMES), String(REPS)] });
  const best: Run[][] = variants.map(() => []);
  for (let r = 0; r < rounds; r++) {
    variants.forEach((v, i) => {
      const runs = runChild<Run>(`prime-sieve ${v.name}`, v.cmd, v.args);
      if (runs.length !== REPS || runs.some((x) => x.last !== LAST)) {
        throw new Error(`prime-sieve: ${v.name} found ${runs.map((x) => x.last).join(', ')}, not ${LAST}`);
      }
      best[i]!.push(runs.reduce((a, b) => (b.wallMs < a.wallMs ? b : a)));
    });
  }
  rmSync(dir, { recursive: true, force: true });
  const goWall = hasGo ? median(best[2]!.map((x) => x.wallMs)) : NaN;
  const rows = variants.map((v, i) => {
    const wall = median(best[i]!.map((x) => x.wallMs));
    const cpu = median(best[i]!.map((x) => x.cpuMs));
    return { Variant: v.name, 'wall ms': +wall.toFixed(1), 'CPU ms': +cpu.toFixed(1), 'x Go (wall)': hasGo ? +(wall / goWall).toFixed(2) : 'n/a' };
  });
  const load = loadavg().map((l) => l.toFixed(2)).join(' ');
  console.log(`\nprime-sieve: first ${PRIMES} primes, best of ${REPS} runs per process, median of ${rounds} rounds  (node ${process.version}, ${cpus()[0]?.model ?? 'cpu?'} x${cpus().length}, load ${load})`);
  console.table(rows);
  if (!hasGo) console.log(`Go not measured: \`go build\` failed (${(built.error?.message ?? built.stderr).trim().split('\n')[0]}).`);
}
