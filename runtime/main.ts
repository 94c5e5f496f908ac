/**
 * main runs a program's main goroutine, Go style: `main(async () => { ... })`.
 *
 * - The program ends when the main goroutine returns (process.exit with process.exitCode, 0 by default), abandoning
 *   goroutines still parked, as Go does.
 * - An unrecovered throw is a panic: Go's report on stderr and exit code 2.
 * - If the event loop runs dry while the main goroutine is still parked, nothing can ever wake anything: main prints
 *   Go's `fatal error: all goroutines are asleep - deadlock!`, then every live goroutine with its wait reason
 *   (`chan receive`, `select`, `sync.Mutex.Lock`, ...) and, when tracebacks are on, where it parked; and exits with 2.
 *
 * main turns on goroutine tracking for the rest of the process (see sched/tracking.ts); `traceback: false` skips the
 * stack capture at every park, which costs a few microseconds each. Nothing process-wide is installed by importing
 * gocsp: only a call to main() adds the beforeExit hook.
 *
 * @example
 * main(async () => {
 *   const ch = chan<number>();
 *   await ch.recv(); // nobody sends: prints the deadlock report, exit code 2
 * });
 */
import { writeSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { MAIN_GOROUTINE, spawn } from './go.js';
import { enableTracking, live, type Goroutine } from './sched/tracking.js';
import { checkFunction, checkOptions } from './validate.js';
import { InvalidArgumentError } from './errors.js';

/** MainOptions tune main(). */
export interface MainOptions {
  /** traceback records where each goroutine parked, for the deadlock report. Default true. */
  readonly traceback?: boolean;
}

let started = false;

export function main(fn: () => unknown, options: MainOptions = {}): void {
  checkFunction('main', 'fn', fn);
  checkOptions('main', options, ['traceback']);
  if (started) throw new InvalidArgumentError('main: called twice (a program has one main goroutine)');
  started = true;
  enableTracking(options.traceback ?? true);
  process.on('beforeExit', deadlock);
  spawn(MAIN_GOROUTINE, async () => {
    await fn();
    process.removeListener('beforeExit', deadlock);
    process.exit();
  }, []);
}

const runtimeDir = dirname(fileURLToPath(import.meta.url));

function deadlock(): void {
  const gs = [...live].sort((a, b) => a.id - b.id);
  let out = 'fatal error: all goroutines are asleep - deadlock!\n';
  for (const g of gs) out += `\ngoroutine ${g.id} [${g.wait ?? 'await (not a gocsp operation)'}]:\n${where(g)}`;
  writeSync(2, out);
  process.exit(2);
}

/** where renders the user frames of the stack captured where `g` parked. */
function where(g: Goroutine): string {
  const stack = g.parkedAt?.stack;
  if (stack === undefined) return '';
  return stack
    .split('\n')
    .filter((l) => /^\s+at /.test(l) && !l.includes(runtimeDir) && !l.includes('(node:'))
    .map((l) => '\t' + l.trim() + '\n')
    .join('');
}
