/**
 * Cancellation input for the patterns' waiting calls: a gocsp Context or a web AbortSignal, or nothing.
 */
import { background } from '../../runtime/context/background.js';
import type { Context } from '../../runtime/context/context.js';
import { fromSignal } from '../../runtime/context/signal.js';

/** Cancel is what a waiting call accepts to be stopped early: a Context, an AbortSignal, or undefined. */
export type Cancel = Context | AbortSignal | undefined;

/**
 * toContext turns a Cancel into a Context and the function that releases it (call it when the wait is over, so an
 * AbortSignal listener is not left behind). A Context or undefined costs nothing.
 */
export function toContext(c: Cancel): [ctx: Context, release: () => void] {
  if (c === undefined) return [background(), noop];
  if (c instanceof AbortSignal) return fromSignal(background(), c);
  return [c, noop];
}

function noop(): void {}
