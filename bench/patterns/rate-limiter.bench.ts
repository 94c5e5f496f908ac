/**
 * rate-limiter: what one admission decision costs.
 *
 *   admit      N decisions per sample on a limiter that never runs out (huge capacity and rate): the hot path of a
 *              limiter under normal load. Baseline: a bare counter (`if (used < cap) used++`).
 *   reject     N decisions on an empty limiter with a negligible refill: the path under overload or attack.
 *   per turn   one decision per turn (`await null` between calls), as a server handling one request per callback
 *              makes them: gocsp's limiters read the clock once per turn, so here every call pays the clock read
 *              (about 36 ns) and the end-of-turn microtask. Baseline: the same loop around the bare counter.
 *   async      N awaited calls: gocsp `await acquire()` (a settled promise) beside rate-limiter-flexible's
 *              RateLimiterMemory `await consume(key)`, which is async by design (its API is shared with the Redis,
 *              Mongo, ... stores), so it can only be measured awaited: compare it with the awaited rows, not with
 *              the synchronous try* rows.
 *
 * Peers: npm `limiter` 4 (TokenBucket and RateLimiter tryRemoveTokens, synchronous; both read performance.now() on
 * every call) and rate-limiter-flexible 11 (RateLimiterMemory, a fixed window per key).
 *
 * Target: gocsp TokenBucketRateLimiter.tryAcquire >= 20M ops/s (<= 50 ns/op) on the admit path.
 *
 * Run alone: npx tsx bench/patterns/rate-limiter.bench.ts
 */
import { RateLimiter, TokenBucket } from 'limiter';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { SlidingWindowRateLimiter } from '../../patterns/rate-limiters/sliding-window.js';
import { TokenBucketRateLimiter } from '../../patterns/rate-limiters/token-bucket.js';
import { newBench, report, timed, timedSync } from '../lib/harness.js';

const N = 1_000_000;
const T = 100_000; // per-turn and async rows
const HUGE = 1e15;

/** Decide is one admission decision: true if admitted. */
type Decide = () => boolean;

function syncLoop(n: number, decide: Decide): number {
  let admitted = 0;
  for (let i = 0; i < n; i++) if (decide()) admitted++;
  return admitted;
}

async function turnLoop(n: number, decide: Decide): Promise<number> {
  let admitted = 0;
  for (let i = 0; i < n; i++) {
    if (decide()) admitted++;
    await null;
  }
  return admitted;
}

// The limiters are made inside each sample (so no state leaks between samples); `full` ones never run out.
const counter = (): Decide => {
  let used = 0;
  return () => (used < HUGE ? (used++, true) : false);
};
const bucket = (full: boolean): Decide => {
  const l = new TokenBucketRateLimiter(full ? { capacity: HUGE, refillRate: HUGE } : { capacity: 1, refillRate: 1e-9 });
  if (!full) l.tryAcquire();
  return () => l.tryAcquire();
};
const window = (full: boolean, mode: 'exact' | 'approximate'): Decide => {
  const l = new SlidingWindowRateLimiter({ windowSize: 1000, maxRequests: full ? 2 * N : 1, mode });
  if (!full) l.tryRequest();
  return () => l.tryRequest();
};
const limiterBucket = (full: boolean): Decide => {
  const b = full
    ? new TokenBucket({ bucketSize: HUGE, tokensPerInterval: HUGE, interval: 1000 })
    : new TokenBucket({ bucketSize: 1, tokensPerInterval: 1e-9, interval: 1000 });
  b.content = full ? HUGE : 0;
  return () => b.tryRemoveTokens(1);
};
const limiterRateLimiter = (full: boolean): Decide => {
  const l = new RateLimiter({ tokensPerInterval: full ? HUGE : 1, interval: 'hour' });
  if (!full) l.tryRemoveTokens(1);
  return () => l.tryRemoveTokens(1);
};

async function flexible(full: boolean): Promise<number> {
  const rl = new RateLimiterMemory({ points: full ? HUGE : 1, duration: 3600 });
  if (!full) await rl.consume('k');
  let admitted = 0;
  for (let i = 0; i < T; i++) {
    try {
      await rl.consume('k');
      admitted++;
    } catch {
      // rejected: RateLimiterRes
    }
  }
  return admitted;
}

async function gocspAcquire(): Promise<number> {
  const l = new TokenBucketRateLimiter({ capacity: HUGE, refillRate: HUGE });
  for (let i = 0; i < T; i++) await l.acquire();
  return T;
}

const bench = newBench('rate-limiter: one admission decision');
bench
  .add('admit | baseline: bare counter', timedSync(N, N, () => syncLoop(N, counter())))
  .add('admit | gocsp TokenBucket tryAcquire', timedSync(N, N, () => syncLoop(N, bucket(true))))
  .add('admit | gocsp SlidingWindow tryRequest (exact)', timedSync(N, N, () => syncLoop(N, window(true, 'exact'))))
  .add('admit | gocsp SlidingWindow tryRequest (approximate)', timedSync(N, N, () => syncLoop(N, window(true, 'approximate'))))
  .add('admit | limiter TokenBucket tryRemoveTokens', timedSync(N, N, () => syncLoop(N, limiterBucket(true))))
  .add('admit | limiter RateLimiter tryRemoveTokens', timedSync(N, N, () => syncLoop(N, limiterRateLimiter(true))))
  .add('reject | gocsp TokenBucket tryAcquire', timedSync(N, 0, () => syncLoop(N, bucket(false))))
  .add('reject | gocsp SlidingWindow tryRequest (exact)', timedSync(N, 0, () => syncLoop(N, window(false, 'exact'))))
  .add('reject | limiter TokenBucket tryRemoveTokens', timedSync(N, 0, () => syncLoop(N, limiterBucket(false))))
  .add('reject | limiter RateLimiter tryRemoveTokens', timedSync(N, 0, () => syncLoop(N, limiterRateLimiter(false))))
  .add('per turn | baseline: bare counter', timed(T, T, () => turnLoop(T, counter())), { async: true })
  .add('per turn | gocsp TokenBucket tryAcquire', timed(T, T, () => turnLoop(T, bucket(true))), { async: true })
  .add('per turn | gocsp SlidingWindow tryRequest (exact)', timed(T, T, () => turnLoop(T, window(true, 'exact'))), {
    async: true,
  })
  .add('per turn | limiter TokenBucket tryRemoveTokens', timed(T, T, () => turnLoop(T, limiterBucket(true))), { async: true })
  .add('async | gocsp TokenBucket await acquire()', timed(T, T, gocspAcquire), { async: true })
  .add('async | rate-limiter-flexible Memory await consume (admit)', timed(T, T, () => flexible(true)), { async: true })
  .add('async | rate-limiter-flexible Memory await consume (reject)', timed(T, 0, () => flexible(false)), { async: true });

await bench.run();

const mean = (name: string): number => {
  const r = bench.getTask(name)?.result;
  return r !== undefined && 'latency' in r ? r.latency.mean * 1e6 : Number.NaN;
};
const mops = (name: string): string => (1e3 / mean(name)).toFixed(1);
report(bench, {
  unit: 'op',
  opsPerSample: `${N} synchronous decisions (admit, reject), ${T} decisions one per turn or awaited (per turn, async)`,
  note: [
    `gocsp TokenBucket tryAcquire: ${mops('admit | gocsp TokenBucket tryAcquire')}M ops/s admitting, ` +
      `${mops('reject | gocsp TokenBucket tryAcquire')}M ops/s rejecting (target >= 20M ops/s)`,
    `limiter TokenBucket tryRemoveTokens: ${mops('admit | limiter TokenBucket tryRemoveTokens')}M ops/s admitting`,
    'A rejection always reads the clock (so a caller polling tryAcquire sees the refill); an admission reads it',
    'at most once per turn. rate-limiter-flexible is async by design: compare it with the awaited rows.',
  ].join('\n'),
});
