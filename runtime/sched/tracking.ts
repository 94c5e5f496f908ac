/**
 * Goroutine tracking for deadlock reports. It is off by default (it costs an AsyncLocalStorage lookup per park and
 * async-hook bookkeeping per promise) and `main()` turns it on: then every goroutine has a record saying what it is
 * parked on, and the deadlock report can list them as Go does.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

/** Goroutine is the record of one tracked goroutine. */
export class Goroutine {
  /** wait is Go's wait reason ("chan receive", "sync.Mutex.Lock", ...) while parked, else null. */
  wait: string | null = null;
  /** parkedAt is the stack captured where the goroutine parked, when tracebacks are on. */
  parkedAt: Error | null = null;
  constructor(readonly id: number) {}
}

/** tracker holds the running goroutine's record, once main() has enabled tracking. */
export let tracker: AsyncLocalStorage<Goroutine> | null = null;
/** live is every tracked goroutine that has not returned. */
export const live = new Set<Goroutine>();
/** traceback says whether parks capture their stack for the report. */
export let traceback = false;

/** enableTracking turns tracking on for the rest of the process. */
export function enableTracking(withTraceback: boolean): void {
  tracker ??= new AsyncLocalStorage<Goroutine>();
  traceback = withTraceback;
}
