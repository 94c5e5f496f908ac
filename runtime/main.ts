import { writeSync } from 'node:fs';
import { MAIN_GOROUTINE, spawn } from './go.js';
import { threadDump } from './sched/dump.js';
import { NAMES, setLevel, STACKS } from './sched/tracking.js';
import { mainIdle, watchThreads } from './threads/deadlock.js';
import { ACK_TIMEOUT_MS, workersDump } from './threads/dump-all.js';
import { checkFunction, checkOptions, describe } from './validate.js';
import { InvalidArgumentError } from './panics.js';
import { mainOnWorker } from './threads/main-on-worker.js';

/**
 * Traceback says how much a deadlock report or a goroutine dump shows, like Go's GOTRACEBACK:
 * - `'none'`: the header only (`fatal error: all goroutines are asleep - deadlock!`).
 * - `'goroutines'` (the default): every goroutine's id and wait reason. Recording costs nothing while the program
 *   runs; the report works them out from a heap snapshot when it is printed (about half a second on a small heap).
 * - `'stacks'`: also where each goroutine parked. This records the running goroutine at every await and captures a
 *   stack at every park: several times slower; for debugging.
 *
 * @example
 * const traceback: Traceback = process.env['DEBUG'] ? 'stacks' : 'goroutines';
 * main(async () => { await chan<number>().recv(); }, { traceback }); // reports the deadlock, with stacks if DEBUG
 */
export type Traceback = 'none' | 'goroutines' | 'stacks';

/**
 * MainOptions tune main().
 *
 * @example
 * const options: MainOptions = { traceback: 'none' }; // the deadlock report prints its header only
 * main(async () => { console.log('hello'); }, options);
 */
export interface MainOptions {
  /**
   * traceback is how much the deadlock report and goroutine dumps show (default `'goroutines'`); the environment
   * variable GOCSP_TRACEBACK overrides it. `true` and `false` are the older spellings of `'stacks'` and
   * `'goroutines'`.
   */
  readonly traceback?: Traceback | boolean;
}

let started = false;
let report: Traceback = 'goroutines';

/**
 * main runs a program's main goroutine, Go style: `main(async () => { ... })`.
 *
 * - The program ends when the main goroutine returns (process.exit with process.exitCode, 0 by default), abandoning
 *   goroutines still parked, as Go does.
 * - An unrecovered throw is a panic: Go's report on stderr and exit code 2.
 * - If the event loop runs dry while the main goroutine is still parked, nothing can ever wake anything: main prints
 *   Go's `fatal error: all goroutines are asleep - deadlock!`, then every live goroutine with its wait reason
 *   (`chan receive`, `select`, `sync.Mutex.Lock`, ...) and, with `traceback: 'stacks'`, where it parked; and exits
 *   with 2.
 * - SIGQUIT (Ctrl-\) prints every live goroutine and exits with 2, as a Go program does.
 *
 * Inside main() goroutines cost what they cost outside it: see Traceback for what the report records. Nothing
 * process-wide is installed by importing gocsp: only a call to main() adds its beforeExit and SIGQUIT hooks.
 *
 * @example
 * main(async () => {
 *   const ch = chan<number>();
 *   await ch.recv(); // nobody sends: prints the deadlock report, exit code 2
 * });
 */
export function main(fn: () => unknown, options: MainOptions = {}): void {
  // A worker importing a one-file program to find its tasks: the program runs on the main thread only.
  if (mainOnWorker()) return;
  checkFunction('main', 'fn', fn);
  checkOptions('main', options, ['traceback']);
  if (started) throw new InvalidArgumentError('main: called twice (a program has one main goroutine)');
  report = tracebackOf(options);
  started = true;
  setLevel(report === 'stacks' ? STACKS : NAMES);
  watchThreads(() => void deadlock());
  process.on('beforeExit', mainIdle);
  process.on('SIGQUIT', () => void quit());
  spawn(MAIN_GOROUTINE, async () => {
    await fn();
    process.removeListener('beforeExit', mainIdle);
    process.exit();
  }, []);
}

const TRACEBACKS: Record<string, Traceback> = {
  none: 'none',
  goroutines: 'goroutines',
  stacks: 'stacks',
  // Go's GOTRACEBACK words, for those who know them.
  single: 'goroutines',
  all: 'goroutines',
  system: 'stacks',
  crash: 'stacks',
};

/** tracebackOf reads the traceback option, then lets GOCSP_TRACEBACK override it. */
function tracebackOf(options: MainOptions): Traceback {
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError(`main: options must be an object, got ${describe(options)}`);
  }
  const t = options.traceback;
  let out: Traceback;
  if (t === undefined || t === false) out = 'goroutines';
  else if (t === true) out = 'stacks';
  else if (t === 'none' || t === 'goroutines' || t === 'stacks') out = t;
  else {
    throw new InvalidArgumentError(
      `main: traceback must be 'none', 'goroutines' or 'stacks', got ${describe(t)}`,
    );
  }
  const env = process.env['GOCSP_TRACEBACK'];
  if (env !== undefined && env !== '') {
    const v = TRACEBACKS[env.toLowerCase()];
    if (v !== undefined) out = v;
    else writeSync(2, `gocsp: ignoring GOCSP_TRACEBACK=${env} (use none, goroutines or stacks)\n`);
  }
  return out;
}

/**
 * goroutineReport is the text after a fatal header: every goroutine of every thread, as much as the traceback level
 * says (the workers answer from their event loops: threads/dump-all.ts).
 */
async function goroutineReport(ackTimeoutMs: number | null): Promise<string> {
  if (report === 'none') return '';
  const others = workersDump(ackTimeoutMs); // asked first: the workers list theirs while this thread lists its own
  const own = threadDump();
  return own + (await others);
}

async function deadlock(): Promise<void> {
  // Every worker sleeps: each answers, however long its heap snapshot takes.
  writeSync(2, 'fatal error: all goroutines are asleep - deadlock!\n' + (await goroutineReport(null)));
  process.exit(2);
}

async function quit(): Promise<void> {
  writeSync(2, 'SIGQUIT: quit\n' + (await goroutineReport(ACK_TIMEOUT_MS)));
  process.exit(2);
}
