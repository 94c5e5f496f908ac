/**
 * KeyedRateLimiter keeps one limiter per key (per client, per API key, per IP), made on first use by a factory, and
 * forgets keys that go unused: a key idle for idleTimeout ms is evicted, and beyond maxKeys keys the least recently
 * used is evicted. Eviction is lazy (checked on each get and by sweep()), so there is no timer and nothing to close.
 *
 *   entries  Map from key to entry, for lookup
 *   head     the least recently used entry; entries form a doubly linked list in order of last use, head to tail
 *
 * An evicted key's next get() makes a fresh limiter, as if the client were new: a token bucket comes back full. So
 * choose idleTimeout at least as long as the limiter takes to return to its initial state by itself (a token
 * bucket's capacity / rate, a sliding window's windowSize), and the eviction changes nothing a client could notice.
 * maxKeys bounds memory at the cost of that guarantee for the least recently used keys.
 */
import { nanotime } from '../../runtime/index.js';
import { func, options, positive, positiveInt } from '../core/option-checks.js';

const OWNER = 'KeyedRateLimiter';

/**
 * KeyedRateLimiterConfig configures a KeyedRateLimiter.
 *
 * @example
 * const config: KeyedRateLimiterConfig<string, SlidingWindowRateLimiter> = {
 *   factory: () => new SlidingWindowRateLimiter({ windowSize: Second, maxRequests: 5 }),
 *   idleTimeout: 10 * Minute,
 *   maxKeys: 50_000,
 * };
 * const perIp = new KeyedRateLimiter(config);
 * console.log(perIp.get('10.0.0.1').tryRequest(), perIp.size); // true 1
 */
export interface KeyedRateLimiterConfig<K, L> {
  /** factory makes the limiter of a key on its first use (or its first use after eviction). */
  factory: (key: K) => L;
  /** idleTimeout is how long a key may go unused before it is evicted, in ms (> 0, Infinity: never). Default 60 000. */
  idleTimeout?: number;
  /** maxKeys is the most keys kept; a new key beyond it evicts the least recently used one (integer >= 1). Default 10 000. */
  maxKeys?: number;
  /** onEvict is called with each evicted key and its limiter (to stop a LeakyBucketRateLimiter, say). */
  onEvict?: (key: K, limiter: L) => void;
}

interface Entry<K, L> {
  readonly key: K;
  readonly limiter: L;
  /** used is the nanotime of the last get. */
  used: number;
  prev: Entry<K, L> | null;
  next: Entry<K, L> | null;
}

/**
 * KeyedRateLimiter keeps one limiter per key (a client, an API key, an IP), made by `factory` on first use and
 * evicted after idleTimeout ms unused (and beyond maxKeys, least recently used first).
 *
 * @example
 * const perClient = new KeyedRateLimiter<string, TokenBucketRateLimiter>({
 *   factory: () => new TokenBucketRateLimiter({ capacity: 10, refillRate: 5 }),
 *   idleTimeout: 10 * Minute,
 * });
 * if (!perClient.get(req.ip).tryAcquire()) return res.status(429).end();
 */
export class KeyedRateLimiter<K, L> {
  readonly #factory: (key: K) => L;
  /** #idle is idleTimeout in ns. */
  readonly #idle: number;
  readonly #maxKeys: number;
  readonly #onEvict: ((key: K, limiter: L) => void) | undefined;
  readonly #entries = new Map<K, Entry<K, L>>();
  #head: Entry<K, L> | null = null;
  #tail: Entry<K, L> | null = null;

  /**
   * KeyedRateLimiter makes an empty set of keyed limiters. Throws InvalidArgumentError naming the option and the
   * value for a bad config: a factory or onEvict that is not a function, an idleTimeout that is not a number > 0
   * (Infinity allowed), a maxKeys that is not an integer >= 1.
   *
   * @example
   * const perClient = new KeyedRateLimiter({
   *   factory: () => new TokenBucketRateLimiter({ capacity: 20, refillRate: 10 }),
   *   idleTimeout: 60_000,
   * });
   * app.use((req, res, next) => (perClient.get(req.ip).tryAcquire() ? next() : res.status(429).end()));
   */
  constructor(config: KeyedRateLimiterConfig<K, L>) {
    const o = options(OWNER, config, ['factory', 'idleTimeout', 'maxKeys', 'onEvict']);
    this.#factory = func(OWNER, 'factory', o.factory) as (key: K) => L;
    const idle = o.idleTimeout ?? 60_000;
    this.#idle = idle === Infinity ? idle : positive(OWNER, 'idleTimeout', idle) * 1e6;
    this.#maxKeys = o.maxKeys === Infinity ? Infinity : positiveInt(OWNER, 'maxKeys', o.maxKeys ?? 10_000);
    this.#onEvict = o.onEvict === undefined ? undefined : func(OWNER, 'onEvict', o.onEvict);
  }

  /**
   * get returns the limiter of `key`, making it with the factory if the key is new (or was evicted), and marks the
   * key as used now. Before that, it evicts the keys idle for idleTimeout or more; after it, the least recently used
   * keys beyond maxKeys. Throws what the factory throws (and then keeps nothing for the key).
   */
  get(key: K): L {
    const now = nanotime();
    this.#evictIdle(now);
    let e = this.#entries.get(key);
    if (e === undefined) {
      e = { key, limiter: this.#factory(key), used: now, prev: null, next: null };
      this.#entries.set(key, e);
      this.#append(e);
      while (this.#entries.size > this.#maxKeys) this.#evict(this.#head!);
    } else {
      e.used = now;
      if (e !== this.#tail) {
        this.#unlink(e);
        this.#append(e);
      }
    }
    return e.limiter;
  }

  /** peek returns the limiter of `key` if it is kept, without making one or marking the key used. */
  peek(key: K): L | undefined {
    return this.#entries.get(key)?.limiter;
  }

  /** has reports whether a limiter is kept for `key` (an idle key stays until the next get or sweep). */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /** delete forgets `key` now (calling onEvict) and reports whether it was kept. */
  delete(key: K): boolean {
    const e = this.#entries.get(key);
    if (e === undefined) return false;
    this.#evict(e);
    return true;
  }

  /** size is the number of keys kept. */
  get size(): number {
    return this.#entries.size;
  }

  /** sweep evicts every key idle for idleTimeout or more now, and returns how many it evicted. */
  sweep(): number {
    const before = this.#entries.size;
    this.#evictIdle(nanotime());
    return before - this.#entries.size;
  }

  /** clear evicts every key (calling onEvict for each, least recently used first). */
  clear(): void {
    while (this.#head !== null) this.#evict(this.#head);
  }

  #evictIdle(now: number): void {
    while (this.#head !== null && now - this.#head.used >= this.#idle) this.#evict(this.#head);
  }

  #evict(e: Entry<K, L>): void {
    this.#entries.delete(e.key);
    this.#unlink(e);
    this.#onEvict?.(e.key, e.limiter);
  }

  #append(e: Entry<K, L>): void {
    e.prev = this.#tail;
    e.next = null;
    if (this.#tail === null) this.#head = e;
    else this.#tail.next = e;
    this.#tail = e;
  }

  #unlink(e: Entry<K, L>): void {
    if (e.prev === null) this.#head = e.next;
    else e.prev.next = e.next;
    if (e.next === null) this.#tail = e.prev;
    else e.next.prev = e.prev;
    e.prev = e.next = null;
  }
}
