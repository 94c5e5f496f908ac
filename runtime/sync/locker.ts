/**
 * Locker is Go's sync.Locker: anything that can be locked and unlocked. Mutex and RWMutex implement it, and
 * RWMutex.rLocker() returns one for the read side.
 *
 * @example
 * async function withLock<T>(l: Locker, f: () => Promise<T>): Promise<T> {
 *   await l.lock();
 *   try { return await f(); } finally { l.unlock(); }
 * }
 */
export interface Locker {
  /** lock parks the caller until it holds the lock. */
  lock(): Promise<void>;
  /** unlock releases the lock; it throws SyncMisuseError if the lock is not held. */
  unlock(): void;
}
