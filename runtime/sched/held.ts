/**
 * held keeps every parked operation reachable while main() tracks goroutines (level NAMES, sched/tracking.ts).
 *
 * In Go a goroutine blocked on a channel nobody else can reach is leaked, and the deadlock report lists it. In JS the
 * goroutine, its channel and the operation's promise would all be garbage, and a heap snapshot would not show them.
 * So under main() each parked operation's holder (the object with the `gocspWait` reason and the resolving
 * function) sits in one array from park to wake: Go's behaviour (a blocked goroutine stays).
 *
 * The array, not an intrusive list, because of what a park costs: the holders are objects of half a dozen shapes
 * (chan Waiter, select, sync waiters, errgroup entries, sleepers), so every access to a holder's own field is a
 * megamorphic property access. A doubly linked list touches four such fields on park and four on wake (the holder's
 * two links and its neighbours'); the array touches one on park (the index) and two on wake (the index, and the
 * index of the holder moved into the freed place), and its small-integer index needs no write barrier. Removal swaps
 * the last holder into the freed place, so the order is lost: nothing reads it (the report counts reasons).
 *
 * Invariant: `h.heldIndex >= 0` exactly while `HELD[h.heldIndex] === h`; -1 otherwise.
 */
import { level, NAMES } from './tracking.js';

/** Holder is an object that stands for one parked operation in a goroutine dump. */
export interface Holder {
  readonly gocspWait: string | null;
  /** heldIndex is the holder's place in the held array while it is held, and -1 otherwise. Starts at -1. */
  heldIndex: number;
}

const HELD: Holder[] = [];

/** hold keeps `h` while it is parked (only under main(): elsewhere nothing is listed and nothing is kept). */
export function hold(h: Holder): void {
  if (level !== NAMES) return;
  h.heldIndex = HELD.length;
  HELD.push(h);
}

/** unhold lets `h` go when its operation completes; it does nothing for a holder that is not held. */
export function unhold(h: Holder): void {
  const i = h.heldIndex;
  if (i < 0) return;
  h.heldIndex = -1;
  const last = HELD.pop()!;
  if (last !== h) {
    HELD[i] = last;
    last.heldIndex = i;
  }
}

/** heldReasons counts the operations parked now by wait reason (the report's fallback when ids cannot be found). */
export function heldReasons(): Map<string, number> {
  const out = new Map<string, number>();
  for (const h of HELD) {
    const r = h.gocspWait ?? 'unknown';
    out.set(r, (out.get(r) ?? 0) + 1);
  }
  return out;
}
