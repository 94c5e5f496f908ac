/**
 * The misuse panics of the sync primitives, with Go's text word for word and a stable code. All are
 * SyncMisuseError (codes start with `ERR_SYNC_`, so isSyncMisuseError recognizes them across threads); `fatal` is
 * true where Go reports `fatal error:` (it cannot be recovered in Go) rather than `panic:`.
 *
 * Each factory makes a fresh error, so every throw has the stack of its own faulty call.
 */
import { SyncMisuseError } from '../panics.js';

/** negativeWaitGroupCounter is Go's panic for a WaitGroup counter that would drop below zero. */
export const negativeWaitGroupCounter = (): SyncMisuseError =>
  new SyncMisuseError('sync: negative WaitGroup counter', 'ERR_SYNC_NEGATIVE_WAITGROUP_COUNTER');

/** waitGroupReused is Go's panic for an add that restarts a WaitGroup whose released waiters have not yet returned. */
export const waitGroupReused = (): SyncMisuseError =>
  new SyncMisuseError('sync: WaitGroup is reused before previous Wait has returned', 'ERR_SYNC_WAITGROUP_REUSED');

/** unlockOfUnlockedMutex is Go's fatal error for Mutex.Unlock on an unlocked mutex. */
export const unlockOfUnlockedMutex = (): SyncMisuseError =>
  new SyncMisuseError('sync: unlock of unlocked mutex', 'ERR_SYNC_UNLOCK_OF_UNLOCKED_MUTEX', true);

/** rUnlockOfUnlockedRWMutex is Go's fatal error for RWMutex.RUnlock with no read lock held. */
export const rUnlockOfUnlockedRWMutex = (): SyncMisuseError =>
  new SyncMisuseError('sync: RUnlock of unlocked RWMutex', 'ERR_SYNC_RUNLOCK_OF_UNLOCKED_RWMUTEX', true);

/** unlockOfUnlockedRWMutex is Go's fatal error for RWMutex.Unlock with no write lock held. */
export const unlockOfUnlockedRWMutex = (): SyncMisuseError =>
  new SyncMisuseError('sync: Unlock of unlocked RWMutex', 'ERR_SYNC_UNLOCK_OF_UNLOCKED_RWMUTEX', true);

/** semaphoreReleasedMoreThanHeld is x/sync/semaphore's panic for a release larger than the weight held. */
export const semaphoreReleasedMoreThanHeld = (): SyncMisuseError =>
  new SyncMisuseError('semaphore: released more than held', 'ERR_SYNC_SEMAPHORE_RELEASED_MORE_THAN_HELD');
