/**
 * NaiveMutex is the baseline of the mutex bench: a flag and an array of resolvers. Every lock() allocates a promise,
 * even an uncontended one; unlock() hands the lock to the first waiter (FIFO, no barging).
 */
export class NaiveMutex {
  #locked = false;
  readonly #waiters: (() => void)[] = [];

  lock(): Promise<void> {
    return new Promise<void>((resolve) => {
      if (this.#locked) {
        this.#waiters.push(resolve);
      } else {
        this.#locked = true;
        resolve();
      }
    });
  }

  unlock(): void {
    if (!this.#locked) throw new Error('unlock of unlocked mutex');
    const w = this.#waiters.shift();
    if (w === undefined) this.#locked = false;
    else w();
  }
}
