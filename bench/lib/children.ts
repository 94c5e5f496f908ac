/**
 * children: for benchmarks whose variants must each run in a fresh process (main() changes a process for good; a
 * heap measurement must not inherit another variant's heap). A child prints its figures as `RESULT <json>` lines on
 * stdout; the parent runs it and parses them.
 */
import { spawnSync } from 'node:child_process';
import { main } from '../../runtime/main.js';

const RESULT = 'RESULT ';

/** emit prints one result line for the parent. */
export function emit(value: unknown): void {
  console.log(RESULT + JSON.stringify(value));
}

/** runChild runs `cmd args` and returns the values of its result lines; it throws if the child failed. */
export function runChild<T>(name: string, cmd: string, args: readonly string[], timeoutMs = 300_000): T[] {
  const out = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], timeout: timeoutMs });
  const values = out.stdout
    .split('\n')
    .filter((l) => l.startsWith(RESULT))
    .map((l) => JSON.parse(l.slice(RESULT.length)) as T);
  if (out.status !== 0 || values.length === 0) {
    throw new Error(`${name}: child failed (status ${out.status}, signal ${out.signal}): ${out.stdout.slice(0, 300)}`);
  }
  return values;
}

/** median is the middle value of `xs` (the upper one of an even count). */
export function median(xs: readonly number[]): number {
  return [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
}

/** Where says whether a child runs its workloads outside main() or inside it. */
export type Where = 'outside' | 'inside';

/**
 * runAs runs a child's `measure` where `--child` said: inside main() (which ends the process when it returns), or
 * outside it, then ends the process the same way (a child that started workers would otherwise stay alive).
 */
export async function runAs(where: string | undefined, measure: () => Promise<void>): Promise<void> {
  if (where === 'inside') {
    main(measure);
    return;
  }
  await measure();
  process.exit(0);
}

/**
 * alternate runs `file --child outside` and `file --child inside` (with `flags` for node), each in a fresh process,
 * alternately `rounds` times, and returns the first result line of every run by where it ran.
 */
export function alternate(name: string, file: string, rounds: number, flags: readonly string[] = []): Record<Where, number[][]> {
  const runs: Record<Where, number[][]> = { outside: [], inside: [] };
  for (let r = 0; r < rounds; r++) {
    for (const where of ['outside', 'inside'] as const) {
      const args = [...process.execArgv, ...flags, file, '--child', where];
      runs[where].push(runChild<number[]>(`${name} ${where}`, process.execPath, args)[0]!);
    }
  }
  return runs;
}

/** compareRows is a table row per workload: the median of each figure over the runs, and inside/outside. */
export function compareRows(
  workloads: readonly { readonly name: string; readonly unit: string }[],
  runs: Record<Where, number[][]>,
  format: (x: number) => string,
): Record<string, string | number>[] {
  return workloads.map((w, i) => {
    const o = median(runs.outside.map((m) => m[i]!));
    const n = median(runs.inside.map((m) => m[i]!));
    return {
      Workload: w.name,
      Unit: w.unit,
      'outside main()': format(o),
      'inside main()': format(n),
      'inside/outside': +(n / o).toFixed(3),
    };
  });
}
