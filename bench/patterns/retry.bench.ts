/**
 * retry: what a retry wrapper costs when nothing fails, the case that matters in production (almost every call
 * succeeds at once). Each task awaits an async function that resolves at once with its argument, N times per
 * sample, through:
 *
 *   baseline            a direct call: `await fn(i)`
 *   gocsp execute       `await executor.execute(() => fn(i))`, the Policy form
 *   gocsp context       `await executor.executeWithContext(() => fn(i))` (builds a RetryContext per attempt)
 *   gocsp + budget      execute with a shared RetryBudget (one success credited per call)
 *   p-retry 6           `await pRetry(() => fn(i), { retries: 2 })`
 *   cockatiel 3         `await retry(handleAll, { maxAttempts: 2 }).execute(() => fn(i))`
 *
 * Target for gocsp: first-try overhead (execute minus baseline) under 1 us per call and below p-retry's.
 *
 * Run alone: npx tsx bench/patterns/retry.bench.ts
 */
import { ExponentialBackoff, handleAll, retry } from 'cockatiel';
import pRetry from 'p-retry';
import { RetryBudget } from '../../patterns/retry/retry-budget.js';
import { RetryExecutor } from '../../patterns/retry/retry-executor.js';
import { RetryPolicy } from '../../patterns/retry/retry-policy.js';
import { newBench, report, sumTo, timed } from '../lib/harness.js';

const N = 20_000;
const SUM = sumTo(N);

/** op is the operation under test: an async function that resolves at once. */
async function op(i: number): Promise<number> {
  return i;
}

const policy = new RetryPolicy({ maxAttempts: 3, initialDelay: 100, maxDelay: 1000 });
const executor = new RetryExecutor(policy);
const budgeted = new RetryExecutor(policy, { budget: new RetryBudget() });
const cockatiel = retry(handleAll, { maxAttempts: 2, backoff: new ExponentialBackoff() });

async function direct(): Promise<number> {
  let sum = 0;
  for (let i = 0; i < N; i++) sum += await op(i);
  return sum;
}

async function through(execute: (f: () => Promise<number>) => Promise<number>): Promise<number> {
  let sum = 0;
  for (let i = 0; i < N; i++) sum += await execute(() => op(i));
  return sum;
}

const bench = newBench('retry: first-try success (no failure), per call');
bench
  .add('baseline: direct await', timed(N, SUM, direct), { async: true })
  .add('gocsp RetryExecutor.execute', timed(N, SUM, () => through((f) => executor.execute(f))), { async: true })
  .add('gocsp executeWithContext', timed(N, SUM, () => through((f) => executor.executeWithContext(f))), {
    async: true,
  })
  .add('gocsp execute + RetryBudget', timed(N, SUM, () => through((f) => budgeted.execute(f))), { async: true })
  .add('p-retry 6 (retries: 2)', timed(N, SUM, () => through((f) => pRetry(f, { retries: 2 }))), { async: true })
  .add('cockatiel 3 retry (maxAttempts: 2)', timed(N, SUM, () => through((f) => cockatiel.execute(f))), {
    async: true,
  });

await bench.run();
report(bench, {
  unit: 'call',
  opsPerSample: `${N} sequential calls of an async function that resolves at once`,
  note: 'Target: gocsp execute under 1 us above the baseline per call, and below p-retry.',
});
