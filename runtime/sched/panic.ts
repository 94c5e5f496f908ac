/**
 * What happens when a goroutine throws and nothing catches it: Go's panic. With no handler installed, stderr gets
 * Go's report (`panic: <message>`, a blank line, `goroutine N [running]:` and the stack) and the process exits with
 * code 2; what Go treats as a fatal error rather than a panic (unlock of an unlocked Mutex or RWMutex) is reported
 * under `fatal error:` instead, as Go does. Inside a synctest bubble the panic fails the bubble's run() instead, so
 * a test sees it as a rejection.
 */
import { writeSync } from 'node:fs';
import { InvalidArgumentError, PanicError } from '../panics.js';
import { describe } from '../validate.js';
import type { Bubble } from './bubble.js';

/**
 * PanicHandler receives an unrecovered goroutine panic and the goroutine's id.
 *
 * @example
 * const report: PanicHandler = (err, id) => console.error(`goroutine ${id} panicked:`, err);
 * const previous = setPanicHandler(report); // the program goes on instead of exiting with code 2
 * go(() => { throw new Error('boom'); }); // prints: goroutine <its id> panicked: Error: boom
 * await sleep(0);
 * setPanicHandler(previous);
 */
export type PanicHandler = (error: unknown, goroutineId: number) => void;

let handler: PanicHandler | null = null;

/**
 * setPanicHandler installs `h` to receive every unrecovered goroutine panic instead of the default report and exit;
 * `null` restores the default. It returns the previous handler. It throws InvalidArgumentError for anything but a
 * function or null, leaving the handler in place (a bad handler would only fail at the next panic, which it would
 * then hide).
 *
 * @example
 * setPanicHandler((err, id) => logger.error({ goroutine: id, err }));
 */
export function setPanicHandler(h: PanicHandler | null): PanicHandler | null {
  if (h !== null && typeof h !== 'function') {
    throw new InvalidArgumentError(`setPanicHandler: handler must be a function or null, got ${describe(h)}`);
  }
  const prev = handler;
  handler = h;
  return prev;
}

/** panicMessage renders a thrown value as Go prints a panic value. */
export function panicMessage(e: unknown): string {
  if (e instanceof Error) {
    return e instanceof PanicError || e.name === 'Error' ? e.message : `${e.name}: ${e.message}`;
  }
  if (typeof e === 'string') return e;
  try {
    return typeof e === 'object' && e !== null ? JSON.stringify(e) : String(e);
  } catch {
    return String(e);
  }
}

/** stackBody is an error's stack without its first line (the message, already printed). */
export function stackBody(e: unknown): string {
  if (!(e instanceof Error) || typeof e.stack !== 'string') return '';
  const lines = e.stack.split('\n');
  const at = lines.findIndex((l) => /^\s+at /.test(l));
  return at < 0 ? '' : lines.slice(at).map((l) => '\t' + l.trim()).join('\n');
}

/** isFatal tells an error Go reports as `fatal error:` (a SyncMisuseError with `fatal`, also after a thread hop). */
function isFatal(e: unknown): boolean {
  return typeof e === 'object' && e !== null && (e as { fatal?: unknown }).fatal === true;
}

/** panicked routes an unrecovered throw of goroutine `id`. */
export function panicked(id: number, e: unknown, bubble: Bubble | null): void {
  if (bubble !== null) {
    bubble.panicked(e);
    return;
  }
  if (handler !== null) {
    handler(e, id);
    return;
  }
  // What Go reports with throw() rather than panic() (unlock of an unlocked mutex) says so in its header.
  const header = isFatal(e) ? 'fatal error' : 'panic';
  writeSync(2, `${header}: ${panicMessage(e)}\n\ngoroutine ${id} [running]:\n${stackBody(e)}\n`);
  process.exit(2);
}
