/**
 * held keeps every parked operation reachable while main() tracks goroutines (level NAMES, sched/tracking.ts).
 *
 * In Go a goroutine blocked on a channel nobody else can reach is leaked, and the deadlock report lists it. In JS the
 * goroutine, its channel and the operation's promise would all be garbage, and a heap snapshot would not show them.
 * So under main() each parked operation's holder (the object with the `gocspWait` reason and the resolving
 * function) is linked into one intrusive list from park to wake: Go's behaviour (a blocked goroutine stays), at the
 * cost of four writes per park and four per wake.
 *
 * Invariant: a holder is in the list exactly while `heldNext !== null`; the list is circular through SENTINEL.
 */
import { level, NAMES } from './tracking.js';

/** Holder is an object that stands for one parked operation in a goroutine dump. */
export interface Holder {
  readonly gocspWait: string | null;
  heldPrev: Holder | null;
  heldNext: Holder | null;
}

const SENTINEL: Holder = { gocspWait: null, heldPrev: null, heldNext: null };
SENTINEL.heldPrev = SENTINEL.heldNext = SENTINEL;

/** hold links `h` while it is parked (only under main(): elsewhere nothing is listed and nothing is kept). */
export function hold(h: Holder): void {
  if (level !== NAMES) return;
  const last = SENTINEL.heldPrev!;
  h.heldPrev = last;
  h.heldNext = SENTINEL;
  last.heldNext = h;
  SENTINEL.heldPrev = h;
}

/** unhold unlinks `h` when its operation completes; it does nothing for a holder that is not linked. */
export function unhold(h: Holder): void {
  const next = h.heldNext;
  if (next === null) return;
  const prev = h.heldPrev!;
  prev.heldNext = next;
  next.heldPrev = prev;
  h.heldPrev = h.heldNext = null;
}

/** heldReasons counts the operations parked now by wait reason (the report's fallback when ids cannot be found). */
export function heldReasons(): Map<string, number> {
  const out = new Map<string, number>();
  for (let h = SENTINEL.heldNext!; h !== SENTINEL; h = h.heldNext!) {
    const r = h.gocspWait ?? 'unknown';
    out.set(r, (out.get(r) ?? 0) + 1);
  }
  return out;
}
