/**
 * dump renders this thread's live goroutines the way Go prints them in a deadlock report, a SIGQUIT dump or
 * runtime.Stack(buf, true): one block per goroutine, `goroutine N [wait reason]:` and, at the STACKS tracking
 * level, the user frames of where it parked.
 *
 * Where the list comes from depends on the tracking level (sched/tracking.ts): at EXACT and STACKS the goroutine
 * records say it; at NAMES a heap snapshot is walked (sched/heap-walk.ts); at OFF (no main()) nothing is known.
 */
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { heldReasons } from './held.js';
import { walkHeap } from './heap-walk.js';
import { goroutines, level, live, NAMES, OFF, tracker } from './tracking.js';

/** RUNNING is what Go shows for the goroutine that takes the dump (known at the EXACT and STACKS levels). */
export const RUNNING = 'running';

/** NOT_GOCSP is the wait reason shown for a goroutine awaiting something gocsp does not know (I/O, a plain promise). */
export const NOT_GOCSP = 'await (not a gocsp operation)';

/** Entry is one live goroutine: id, wait reason (null while runnable), and where it parked (STACKS only). */
export interface Entry {
  readonly id: number;
  readonly wait: string | null;
  readonly where: string;
}

/**
 * goroutineEntries lists this thread's live goroutines, sorted by id; null when they cannot be listed (no main(),
 * or a heap above GOCSP_DUMP_HEAP_LIMIT at the NAMES level).
 */
export function goroutineEntries(): Entry[] | null {
  if (level === OFF) return null;
  if (level === NAMES) {
    const named = walkHeap();
    return named === null ? null : named.map((g) => ({ id: g.id, wait: g.wait, where: '' }));
  }
  const self = tracker?.getStore();
  return [...live]
    .sort((a, b) => a.id - b.id)
    .map((g) => (g === self ? { id: g.id, wait: RUNNING, where: '' } : { id: g.id, wait: g.wait, where: where(g.parkedAt) }));
}

/** renderEntries renders entries as Go's goroutine blocks, each preceded by a blank line. */
export function renderEntries(entries: readonly Entry[], thread?: number): string {
  let out = '';
  for (const g of entries) {
    const on = thread === undefined || thread === 0 ? '' : ` (thread ${thread})`;
    out += `\ngoroutine ${g.id}${on} [${g.wait ?? NOT_GOCSP}]:\n${g.where}`;
  }
  return out;
}

/**
 * goroutineDump returns every live goroutine of this thread as Go prints them (runtime.Stack with all = true):
 * `goroutine N [wait reason]:` blocks, with where each parked when main() runs with `traceback: 'stacks'`.
 * Goroutines are listed only under main(); outside it the dump says so. It takes a heap snapshot at the default
 * traceback level (see MainOptions.traceback): call it for diagnostics, not in a loop.
 *
 * @example
 * process.on('SIGUSR2', () => process.stderr.write(goroutineDump()));
 */
export function goroutineDump(): string {
  return threadDump();
}

/**
 * threadDump is goroutineDump with each goroutine named `goroutine N (thread T)` when `thread` is a worker's
 * (protocol) slot: a worker's part of a dump of every thread (threads/dump-all.ts).
 */
export function threadDump(thread = 0): string {
  const entries = goroutineEntries();
  return entries === null ? unlisted(thread) : renderEntries(entries, thread) + notListed(entries);
}

/**
 * notListed accounts for goroutines the heap walk could not see: one awaiting a promise that nothing references
 * (not a gocsp operation) is garbage to V8 and gone from the snapshot, though it still counts as running.
 */
export function notListed(entries: readonly Entry[]): string {
  const missing = goroutines.running - entries.length;
  if (level !== NAMES || missing <= 0) return '';
  return `\n(${missing} more goroutine${missing === 1 ? ' awaits a promise' : 's await promises'} that nothing references, ` +
    'not a gocsp operation; GOCSP_TRACEBACK=stacks lists them)\n';
}

/**
 * unlisted is the dump when the goroutines could not be named: outside main(), nothing; under main(), with a heap
 * too large to walk (or a snapshot that failed), the parked operations by wait reason, without goroutine ids.
 */
export function unlisted(thread = 0): string {
  const on = thread === 0 ? '' : ` (thread ${thread})`;
  if (level === OFF) return `\n(goroutines${on} are listed only under main())\n`;
  let out =
    `\n(goroutine ids${on} not worked out: the heap is larger than GOCSP_DUMP_HEAP_LIMIT MiB, or its snapshot ` +
    'failed; GOCSP_TRACEBACK=stacks records them as the program runs)\n';
  for (const [reason, n] of heldReasons()) out += `\ngoroutine ?${on} [${reason}]:${n > 1 ? ` (x${n})` : ''}\n`;
  return out;
}

const runtimeDir = dirname(dirname(fileURLToPath(import.meta.url)));

/** where renders the user frames of a stack captured at a park. */
function where(parkedAt: Error | null): string {
  const stack = parkedAt?.stack;
  if (stack === undefined) return '';
  return stack
    .split('\n')
    .filter((l) => /^\s+at /.test(l) && !l.includes(runtimeDir) && !l.includes('(node:'))
    .map((l) => '\t' + l.trim() + '\n')
    .join('');
}
