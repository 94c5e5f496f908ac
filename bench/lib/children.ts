/**
 * children: for benchmarks whose variants must each run in a fresh process (main() changes a process for good; a
 * heap measurement must not inherit another variant's heap). A child prints its figures as `RESULT <json>` lines on
 * stdout; the parent runs it and parses them.
 */
import { spawnSync } from 'node:child_process';

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
