/**
 * Line is the cross-thread wait line of a shared sync object (SharedMutex lockers, SharedRWMutex writers,
 * SharedSemaphore acquirers): at most one record per thread, standing for the oldest goroutine of that thread parked
 * on the object. The thread keeps its other parked goroutines in a local FIFO behind it.
 *
 *   +--------------------------------------------------------------------------------------------+
 *   | SEQ  MASK[2]  | record of slot 0: STATE SEQ TOKEN | slot 1 ... | slot MAX_THREADS-1          |
 *   +--------------------------------------------------------------------------------------------+
 *
 *   SEQ      arrival counter (wraps: records are compared by difference)
 *   MASK     bit s set while the record of thread s is WAITING
 *   STATE    NONE; WAITING (in line); GRANTED (served: the thread has been given the lock or weight its oldest
 *            goroutine asked for, and collects it when it re-polls); CLAIMED (SharedRWMutex: the thread's writer
 *            claimed the lock and waits for the readers to leave)
 *   TOKEN    owner token of the thread that wrote the record: a record of a thread that died, or of an earlier
 *            thread of a reused slot, is recognised as not alive / not this thread's
 *
 * Every word is read and written under the object's LOCK. Only the owning thread puts its record in line or takes
 * it back; any thread may serve it (GRANTED) or withdraw it once its thread is dead.
 *
 * Fairness: records are served oldest first. A thread whose record was served puts it back at the end of the line
 * for its next parked goroutine, so threads take turns (round robin) and, within a thread, goroutines are served in
 * arrival order: a goroutine with k goroutines of its thread ahead of it is served after at most (k + 1) turns of
 * each other thread. Memory is fixed: one record per thread slot.
 */
import { isOwnerAlive, MAX_THREADS } from '../memory/registry.js';
import { me, myToken } from './sync-object.js';

export const NONE = 0;
export const WAITING = 1;
export const GRANTED = 2;
export const CLAIMED = 3;

const SEQ = 0;
const MASK = 1;
const RECORDS = 3;
const R_WORDS = 3;
const R_STATE = 0;
const R_SEQ = 1;
const R_TOKEN = 2;

/** LINE_WORDS is how many words a Line takes. */
export const LINE_WORDS = RECORDS + MAX_THREADS * R_WORDS;

export class Line {
  readonly #w: Int32Array;
  readonly #base: number;

  constructor(w: Int32Array, base: number) {
    this.#w = w;
    this.#base = base;
  }

  /** mine is the state of this thread's record (NONE if the record was written by an earlier thread of the slot). */
  mine(): number {
    const r = this.#record(me());
    return this.#w[r + R_TOKEN] === myToken() ? this.#w[r + R_STATE]! : NONE;
  }

  /** join puts this thread's record at the end of the line (WAITING). */
  join(): void {
    const w = this.#w;
    const r = this.#record(me());
    w[r + R_TOKEN] = myToken();
    w[r + R_SEQ] = w[this.#base + SEQ] = (w[this.#base + SEQ]! + 1) | 0;
    w[r + R_STATE] = WAITING;
    this.#bit(me(), true);
  }

  /** put sets this thread's own record to `state` (NONE to leave, CLAIMED for a claiming writer) out of line. */
  put(state: number): void {
    const r = this.#record(me());
    this.#w[r + R_TOKEN] = myToken();
    this.#set(me(), state);
  }

  /** serve marks thread `s`'s record GRANTED (out of line); the thread collects it when it re-polls. */
  serve(s: number): void {
    this.#set(s, GRANTED);
  }

  /** claim marks thread `s`'s record CLAIMED (out of line): its writer is now the one waiting for the readers. */
  claim(s: number): void {
    this.#set(s, CLAIMED);
  }

  /** token is the owner token of the thread that wrote record `s`. */
  token(s: number): number {
    return this.#w[this.#record(s) + R_TOKEN]!;
  }

  /**
   * oldest returns the slot of the oldest WAITING record whose thread is alive, or -1; records of dead threads are
   * withdrawn on the way.
   */
  oldest(): number {
    const w = this.#w;
    let best = -1;
    let bestSeq = 0;
    for (let m = 0; m < 2; m++) {
      let bits = w[this.#base + MASK + m]!;
      while (bits !== 0) {
        const b = 31 - Math.clz32(bits);
        bits &= ~(1 << b);
        const s = m * 32 + b;
        const r = this.#record(s);
        if (!isOwnerAlive(w[r + R_TOKEN]!)) {
          this.#set(s, NONE);
          continue;
        }
        const seq = w[r + R_SEQ]!;
        if (best < 0 || seq - bestSeq < 0) {
          best = s;
          bestSeq = seq;
        }
      }
    }
    return best;
  }

  #set(s: number, state: number): void {
    this.#w[this.#record(s) + R_STATE] = state;
    this.#bit(s, state === WAITING);
  }

  #bit(s: number, on: boolean): void {
    const i = this.#base + MASK + (s >> 5);
    const bit = 1 << (s & 31);
    this.#w[i] = on ? this.#w[i]! | bit : this.#w[i]! & ~bit;
  }

  #record(s: number): number {
    return this.#base + RECORDS + s * R_WORDS;
  }
}
