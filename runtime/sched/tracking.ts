/**
 * Goroutine tracking: what the runtime records so that a deadlock report and a goroutine dump can list every live
 * goroutine with its id and wait reason, as Go does. Go gets this for free (every goroutine has a g record and
 * gopark stores its reason); an async function has neither, so gocsp offers levels, chosen by main():
 *
 *   OFF      nothing (goroutines started without main(), library code, tests).
 *   NAMES    main()'s default. Nothing per park and nothing per await: each goroutine's panic handler captures a
 *            short tag string, and each parked operation keeps its wait reason in a `gocspWait` field it already
 *            has room for. Who waits on what is worked out only when a report is printed, from a heap snapshot
 *            (sched/heap-walk.ts): a goroutine's promise is found through its tag, and the parked operation it
 *            awaits through the chain of promise reactions that leads to it.
 *   EXACT    an AsyncLocalStorage holds the running goroutine's record, so a park knows its goroutine at once. This
 *            costs Node's promise hooks on every promise (about 2x on channel-heavy code), so it is for tests that
 *            read wait reasons synchronously.
 *   STACKS   EXACT plus a stack captured at every park (a few microseconds each): `traceback: 'stacks'` or
 *            GOCSP_TRACEBACK=stacks, for finding where a deadlocked program waits.
 *
 * `goroutines.running` counts the goroutines started and not yet returned at every level (runtime.NumGoroutine).
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export const OFF = 0;
export const NAMES = 1;
export const EXACT = 2;
export const STACKS = 3;
export type Level = typeof OFF | typeof NAMES | typeof EXACT | typeof STACKS;

/** Goroutine is the record of one goroutine at the EXACT and STACKS levels. */
export class Goroutine {
  /** wait is Go's wait reason ("chan receive", "sync.Mutex.Lock", ...) while parked, else null. */
  wait: string | null = null;
  /** parkedAt is the stack captured where the goroutine parked, at the STACKS level. */
  parkedAt: Error | null = null;
  constructor(readonly id: number) {}
}

/** goroutines counts this thread's goroutines that have started and not yet returned (runtime.NumGoroutine). */
export const goroutines = { running: 0 };

/** level is the tracking level in force; it only ever rises. */
export let level: Level = OFF;
/** tracker holds the running goroutine's record at the EXACT and STACKS levels, else null. */
export let tracker: AsyncLocalStorage<Goroutine> | null = null;
/** live is every goroutine with a record (EXACT and STACKS levels) that has not returned. */
export const live = new Set<Goroutine>();
/** traceback says whether parks capture their stack (STACKS). */
export let traceback = false;

/** setLevel raises the tracking level for the rest of the process (a lower level than the current one is ignored). */
export function setLevel(l: Level): void {
  if (l <= level) return;
  level = l;
  if (l >= EXACT) tracker ??= new AsyncLocalStorage<Goroutine>();
  traceback = l === STACKS;
}

/**
 * GOROUTINE_TAG starts the tag string a goroutine's panic handler captures at the NAMES level. The invisible
 * separator (U+2063) keeps it from ever equalling a string of the program's own.
 */
export const GOROUTINE_TAG = '\u2063g';
