/**
 * Helpers shared by the channel and select conformance specs (spec/runtime/chan, spec/runtime/select).
 */
import { setPanicHandler, type PanicHandler } from '../../../runtime/index.js';

/** CAPACITIES are the buffer sizes every TestChan-style check runs over. */
export const CAPACITIES = [0, 1, 2, 3, 10, 100] as const;

/** macrotask resolves after every microtask queued so far has run, and the ones they queued (setImmediate). */
export function macrotask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * isPending reports whether `p` is still unsettled after the goroutines that can run have run: it lets a few
 * macrotasks go by (each drains the whole microtask queue), so it needs no timer and no margin.
 */
export async function isPending(p: Promise<unknown>, turns = 3): Promise<boolean> {
  let settled = false;
  p.then(
    () => (settled = true),
    () => (settled = true),
  );
  for (let i = 0; i < turns; i++) await macrotask();
  return !settled;
}

/**
 * trapPanics installs a panic handler that records every unrecovered goroutine panic (instead of Go's report and
 * exit, which would kill the test worker). `restore()` puts the previous handler back and returns what was caught.
 */
export function trapPanics(): { readonly caught: unknown[]; restore(): unknown[] } {
  const caught: unknown[] = [];
  const handler: PanicHandler = (e) => void caught.push(e);
  const prev = setPanicHandler(handler);
  return {
    caught,
    restore() {
      setPanicHandler(prev);
      return caught;
    },
  };
}
