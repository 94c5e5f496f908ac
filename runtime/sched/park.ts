/**
 * Parking accounting. Every gocsp operation that blocks brackets its wait with parkStart / parkEnd, so that a
 * synctest bubble knows when all its goroutines are parked and a deadlock report knows what each one waits on.
 *
 * With no bubble active and tracking off (the common case) this costs two reads and no allocation.
 */
import { activeBubble, type Bubble } from './bubble.js';
import { traceback, tracker, type Goroutine } from './tracking.js';

/** Park is the token of one wait; pass it back to parkEnd exactly once. */
export interface Park {
  readonly bubble: Bubble | null;
  readonly g: Goroutine | null;
}

const UNTRACKED: Park = { bubble: null, g: null };

/** parkStart records that the running goroutine starts waiting for `reason` (Go's wait reason text). */
export function parkStart(reason: string): Park {
  const bubble = activeBubble;
  const g = tracker === null ? null : (tracker.getStore() ?? null);
  if (bubble === null && g === null) return UNTRACKED;
  if (g !== null) {
    g.wait = reason;
    if (traceback) g.parkedAt = new Error(reason);
  }
  bubble?.park();
  return { bubble, g };
}

/** parkEnd records that the wait begun by parkStart is over. */
export function parkEnd(p: Park): void {
  if (p === UNTRACKED) return;
  if (p.g !== null) {
    p.g.wait = null;
    p.g.parkedAt = null;
  }
  p.bubble?.unpark();
}
