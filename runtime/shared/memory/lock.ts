/**
 * A spin lock in shared memory, for the short critical sections of shared channels and shared sync objects.
 *
 * The lock word holds the owner's token (0 = free): its thread slot and the slot's incarnation (registry.ts), so a
 * lock held by a thread that died can be detected and taken over, even after another thread reused the slot. Critical sections only copy a slot and update a few words, and
 * publish with a final store, so a section cut short by a thread's death leaves no half-visible state behind.
 *
 * The main thread must never block in Atomics.wait, and a synchronous operation (trySend, a select with default)
 * cannot yield, so acquiring spins. A worker that has spun for long falls back to short Atomics.wait naps. The spin is
 * bounded (spin-limit.ts): a lock word holding this thread's own token, or a live owner that keeps the lock for
 * SPIN_LIMIT_MS, is a SharedMemoryError, never an endless loop. (A thread that dies holding the lock is seen dead
 * only once its exit has been processed on the main thread's event loop, which a spinning main thread cannot do.)
 */
import { isMainThread } from 'node:worker_threads';
import { SharedMemoryError } from '../../panics.js';
import { isOwnerAlive, onJoin, ownerToken } from './registry.js';
import { spinCheck } from './spin-limit.js';

const SPINS_BEFORE_CHECK = 1024;

/** lock acquires the lock at `words[i]`. */
export function lock(words: Int32Array, i: number): void {
  if (Atomics.compareExchange(words, i, 0, owner) === 0) return;
  contended(words, i);
}

/** owner is the token this thread writes into lock words (registry.ownerToken), fixed once it joined a registry. */
let owner = 0;

onJoin(() => {
  owner = ownerToken();
});

function contended(words: Int32Array, i: number): void {
  const me = owner;
  let start = 0;
  for (let n = 1; ; n++) {
    const owner = Atomics.load(words, i);
    if (owner === 0) {
      if (Atomics.compareExchange(words, i, 0, me) === 0) return;
    } else if (owner === me) {
      // Critical sections never re-enter and never run user code: this thread cannot hold the lock it is taking.
      throw new SharedMemoryError(
        "shared lock: held by this very thread: something other than gocsp wrote into the object's memory",
      );
    } else if (n % SPINS_BEFORE_CHECK === 0) {
      // The owner may have died holding it: take it over.
      if (!isOwnerAlive(owner) && Atomics.compareExchange(words, i, owner, me) === owner) return;
      // A live owner leaves within microseconds; one that does not is stuck or the word is not a lock (spin-limit.ts).
      start = spinCheck(start, `shared lock: held by thread ${(owner & 127) - 1}, which`);
      if (!isMainThread) Atomics.wait(words, i, owner, 0.05);
    }
  }
}

/** unlock releases the lock at `words[i]`. */
export function unlock(words: Int32Array, i: number): void {
  Atomics.store(words, i, 0);
}
