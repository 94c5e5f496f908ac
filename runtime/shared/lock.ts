/**
 * A spin lock in shared memory, for the short critical sections of shared channels and shared sync objects.
 *
 * The lock word holds the owner's token (0 = free): its thread slot and the slot's incarnation (registry.ts), so a
 * lock held by a thread that died can be detected and taken over, even after another thread reused the slot. Critical sections only copy a slot and update a few words, and
 * publish with a final store, so a section cut short by a thread's death leaves no half-visible state behind.
 *
 * The main thread must never block in Atomics.wait, and a synchronous operation (trySend, a select with default)
 * cannot yield, so acquiring spins. A worker that has spun for long falls back to short Atomics.wait naps.
 */
import { isMainThread } from 'node:worker_threads';
import { isOwnerAlive, onJoin, ownerToken } from './registry.js';

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
  for (let n = 1; ; n++) {
    const owner = Atomics.load(words, i);
    if (owner === 0) {
      if (Atomics.compareExchange(words, i, 0, me) === 0) return;
    } else if (n % SPINS_BEFORE_CHECK === 0) {
      // The owner may have died holding it: take it over.
      if (!isOwnerAlive(owner) && Atomics.compareExchange(words, i, owner, me) === owner) return;
      if (!isMainThread) Atomics.wait(words, i, owner, 0.05);
    }
  }
}

/** unlock releases the lock at `words[i]`. */
export function unlock(words: Int32Array, i: number): void {
  Atomics.store(words, i, 0);
}
