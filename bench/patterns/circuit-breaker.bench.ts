/**
 * circuit-breaker: what a breaker (and a bulkhead) costs around a call that succeeds at once.
 *
 *   N sequential `await policy.call(fn)` per sample, fn an async function resolving to 1; the breaker stays closed
 *   and the bulkhead always has a free permit, so this is the hot path of both. The baseline is `await fn()` alone:
 *   overhead = row - baseline.
 *
 *   breakers:  gocsp CircuitBreaker (default config: consecutive policy, count window of 100, metrics on; and with
 *              enableMetrics false), opossum 9 (with its default 10 s timeout, a timer per call, and with
 *              timeout: false), cockatiel 3 `circuitBreaker(handleAll, { breaker: new ConsecutiveBreaker(5) })`.
 *   bulkheads: gocsp BulkheadCircuitBreaker({ maxConcurrentCalls: 10 }) (a chan(10) as a semaphore), cockatiel
 *              `bulkhead(10)`.
 *
 * Targets: CircuitBreaker overhead <= 150 ns per call, and >= 3x faster than opossum and cockatiel. The `floor` row
 * is the cheapest wrapper that can see the outcome (one `then` on fn's promise): no breaker can beat it, which bounds
 * the total-time ratio to any peer at peer / floor.
 *
 * Run alone: npx tsx bench/patterns/circuit-breaker.bench.ts
 */
import { bulkhead, circuitBreaker, ConsecutiveBreaker, handleAll } from 'cockatiel';
import Opossum from 'opossum';
import { BulkheadCircuitBreaker } from '../../patterns/circuit-breakers/bulkhead.js';
import { CircuitBreaker } from '../../patterns/circuit-breakers/circuit-breaker.js';
import { newBench, report, timed } from '../lib/harness.js';

const N = 20_000;

const fn = async (): Promise<number> => 1;

/** Caller is what the workload needs: something that runs fn and resolves to its result. */
type Caller = (f: () => Promise<number>) => Promise<number>;

async function loop(call: Caller): Promise<number> {
  let sum = 0;
  for (let i = 0; i < N; i++) sum += await call(fn);
  return sum;
}

function direct(): Promise<number> {
  return loop((f) => f());
}

const identity = (v: number): number => v;
const rethrow = (e: unknown): never => {
  throw e;
};

/** floor is the least any wrapper that observes the outcome must add: one `then` on fn's promise. */
function floor(): Promise<number> {
  return loop((f) => f().then(identity, rethrow));
}

function gocspBreaker(enableMetrics: boolean): Promise<number> {
  const b = new CircuitBreaker({ enableMetrics });
  return loop((f) => b.call(f));
}

async function opossum(timeout: number | false): Promise<number> {
  const b = new Opossum(fn, { timeout });
  try {
    return await loop(() => b.fire() as Promise<number>);
  } finally {
    b.shutdown();
  }
}

function cockatielBreaker(): Promise<number> {
  const b = circuitBreaker(handleAll, { halfOpenAfter: 10_000, breaker: new ConsecutiveBreaker(5) });
  return loop((f) => b.execute(f));
}

function gocspBulkhead(): Promise<number> {
  const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 10 });
  return loop((f) => b.call(f));
}

function cockatielBulkhead(): Promise<number> {
  const b = bulkhead(10);
  return loop((f) => b.execute(f));
}

const bench = newBench('circuit-breaker: closed breaker / free bulkhead around a resolved async call');
bench
  .add('baseline: await fn()', timed(N, N, direct), { async: true })
  .add('floor: await fn().then(ok, err)', timed(N, N, floor), { async: true })
  .add('breaker | gocsp CircuitBreaker', timed(N, N, () => gocspBreaker(true)), { async: true })
  .add('breaker | gocsp CircuitBreaker (enableMetrics: false)', timed(N, N, () => gocspBreaker(false)), { async: true })
  .add('breaker | opossum (default timeout: a timer per call)', timed(N, N, () => opossum(10_000)), { async: true })
  .add('breaker | opossum (timeout: false)', timed(N, N, () => opossum(false)), { async: true })
  .add('breaker | cockatiel ConsecutiveBreaker(5)', timed(N, N, cockatielBreaker), { async: true })
  .add('bulkhead | gocsp BulkheadCircuitBreaker(10)', timed(N, N, gocspBulkhead), { async: true })
  .add('bulkhead | cockatiel bulkhead(10)', timed(N, N, cockatielBulkhead), { async: true });

await bench.run();

const stat = (name: string, which: 'mean' | 'p50'): number => {
  const r = bench.getTask(name)?.result;
  return r !== undefined && 'latency' in r ? (r.latency[which] ?? Number.NaN) * 1e6 : Number.NaN;
};
const mean = (name: string): number => stat(name, 'mean');
const p50 = (name: string): number => stat(name, 'p50');
const base = mean('baseline: await fn()');
const ours = mean('breaker | gocsp CircuitBreaker');
const ratio = (peer: string): string => (mean(peer) / ours).toFixed(1);
const overheadRatio = (peer: string): string => ((mean(peer) - base) / (ours - base)).toFixed(1);
const cockatiel = 'breaker | cockatiel ConsecutiveBreaker(5)';
report(bench, {
  unit: 'call',
  opsPerSample: `${N} sequential awaited calls`,
  note: [
    `CircuitBreaker overhead over the baseline: ${(ours - base).toFixed(0)} ns/call by the means, ` +
      `${(p50('breaker | gocsp CircuitBreaker') - p50('baseline: await fn()')).toFixed(0)} by the medians (target <= 150)`,
    `BulkheadCircuitBreaker overhead: ${(mean('bulkhead | gocsp BulkheadCircuitBreaker(10)') - base).toFixed(0)} ns/call`,
    `speed-up of CircuitBreaker: ${ratio('breaker | opossum (timeout: false)')}x opossum (timeout: false), ` +
      `${ratio('breaker | opossum (default timeout: a timer per call)')}x opossum (default), ` +
      `${ratio(cockatiel)}x cockatiel (target >= 3x); in overhead over the baseline, ${overheadRatio(cockatiel)}x cockatiel's`,
    `(the floor row bounds any wrapper: ${(mean('floor: await fn().then(ok, err)') - base).toFixed(0)} ns over the baseline)`,
    `speed-up of BulkheadCircuitBreaker over cockatiel bulkhead: ` +
      `${(mean('bulkhead | cockatiel bulkhead(10)') / mean('bulkhead | gocsp BulkheadCircuitBreaker(10)')).toFixed(1)}x`,
  ].join('\n'),
});
