/**
 * gosched yields, Go's runtime.Gosched: the calling goroutine steps aside until every goroutine that is ready to
 * run now has had its turn.
 */

/**
 * gosched returns a promise that resolves after every goroutine that is ready to run has run (after the current
 * microtasks, in the next turn of the event loop, where I/O callbacks and due timers may also run). It never parks
 * in Go's sense: the deadlock report does not count a yielding goroutine as asleep.
 *
 * @example
 * for (;;) {
 *   crunch(); // a long CPU-bound loop...
 *   await gosched(); // ...lets the other goroutines (and I/O) run between rounds
 * }
 */
export function gosched(): Promise<void> {
  return new Promise<void>((resolve) => setImmediate(resolve));
}
