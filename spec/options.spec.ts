/**
 * Every options object of every public function and constructor, runtime and patterns, refuses a key it does not
 * know with an InvalidArgumentError naming the key and listing the known ones (runtime/validate.ts checkOptions,
 * patterns/core/option-checks.ts options): `configureThreads({ thread: 2 })` or `new RetryPolicy({ maxAttempt: 3 })` used to
 * run with the defaults. A new option-taking API belongs in this list.
 */
import { afterAll, describe, expect, it } from 'vitest';
import {
  BasePattern,
  BulkheadCircuitBreaker,
  CircuitBreaker,
  DynamicWorkerPool,
  FanIn,
  FanOut,
  FanPattern,
  FixedWorkerPool,
  KeyedRateLimiter,
  LeakyBucketRateLimiter,
  Pipeline,
  PipelineStage,
  resolvePatternConfig,
  RetryBudget,
  RetryExecutor,
  RetryPolicy,
  SlidingWindowRateLimiter,
  TimeoutPolicy,
  TokenBucketRateLimiter,
  type PatternConfig,
} from '../patterns/index.js';
import { chan, codec, configureThreads, InvalidArgumentError, main } from '../runtime/index.js';

const BOGUS = 'bogusOption';
const withBogus = <T extends object>(o: T): T => ({ ...o, [BOGUS]: 1 });

/** Probe is a user's pattern: BasePattern with the pattern options only. */
class Probe extends BasePattern {
  constructor(config?: Partial<PatternConfig>) {
    super(config);
  }
  protected onStart(): void {}
  protected onStop(): void {}
}

const worker = async (x: number): Promise<number> => x;
const cleanups: (() => unknown)[] = [];
afterAll(async () => {
  for (const c of cleanups) await c();
});

/** live makes an object for a method test and stops it after the file. */
function live<T extends { stop(): unknown }>(x: T): T {
  cleanups.push(() => x.stop());
  return x;
}

/**
 * APIS lists each option-taking API: its name in errors, a call with an unknown key added to valid options, and
 * (for the test that the list is not vacuous) the same call without it, which must succeed.
 */
const APIS: [owner: string, call: (extra: object) => unknown][] = [
  // runtime
  ['main', (x) => main(async () => {}, x)],
  ['configureThreads', (x) => configureThreads(x)],
  ['string', (x) => codec.string(x)],
  ['bytes', (x) => codec.bytes(x)],
  ['json', (x) => codec.json(x)],
  ['structured', (x) => codec.structured(x)],
  ['record', (x) => codec.record({ fields: { a: 'int8' }, ...x })],
  // patterns: retry
  ['RetryPolicy', (x) => new RetryPolicy(x)],
  ['RetryExecutor', (x) => new RetryExecutor(new RetryPolicy(), x)],
  ['RetryBudget', (x) => new RetryBudget(x)],
  // patterns: circuit breakers
  ['CircuitBreaker', (x) => new CircuitBreaker(x)],
  ['CircuitBreaker.fromJSON', (x) => CircuitBreaker.fromJSON(new CircuitBreaker().toJSON(), x)],
  ['BulkheadCircuitBreaker', (x) => new BulkheadCircuitBreaker(x)],
  // patterns: timeout
  ['TimeoutPolicy', (x) => new TimeoutPolicy({ timeout: 10, ...x })],
  // patterns: rate limiters
  ['TokenBucketRateLimiter', (x) => new TokenBucketRateLimiter({ capacity: 1, refillRate: 1, ...x })],
  ['LeakyBucketRateLimiter', (x) => new LeakyBucketRateLimiter({ capacity: 1, leakRate: 1, ...x }).close()],
  ['SlidingWindowRateLimiter', (x) => new SlidingWindowRateLimiter({ windowSize: 1000, maxRequests: 1, ...x })],
  ['KeyedRateLimiter', (x) => new KeyedRateLimiter({ factory: () => new RetryBudget(), ...x })],
  // patterns: core
  ['resolvePatternConfig', (x) => resolvePatternConfig('resolvePatternConfig', x)],
  ['Probe', (x) => new Probe(x)],
  // patterns: pipelines
  ['Pipeline', (x) => live(new Pipeline(x))],
  ['Pipeline.addStage', (x) => live(new Pipeline<number>()).addStage('s', (n) => n, x)],
  ['Pipeline.addStage', (x) => live(new Pipeline<number>()).addStage({ name: 's', processor: (n: number) => n, ...x })],
  ['Pipeline.addFilter', (x) => live(new Pipeline<number>()).addFilter(() => true, x)],
  ['PipelineStage', (x) => live(new PipelineStage({ processor: (n: number) => n, ...x }))],
  // patterns: fan
  ['FanOut', (x) => live(new FanOut(x))],
  ['FanIn', (x) => live(new FanIn(x))],
  ['FanIn.addInput', (x) => live(new FanIn<number>()).addInput(chan<number>(), x)],
  ['FanPattern', (x) => live(new FanPattern(x))],
  // patterns: worker pools
  ['DynamicWorkerPool', (x) => live(new DynamicWorkerPool({ worker, ...x }))],
  ['FixedWorkerPool', (x) => live(new FixedWorkerPool(1, { worker, ...x }))],
  // a pool's methods name the pool
  ['pool-submit', (x) => live(new FixedWorkerPool<number, number>(1, { worker, name: 'pool-submit' })).submit(1, x)],
  ['pool-stop', (x) => live(new FixedWorkerPool<number, number>(1, { worker, name: 'pool-stop' })).stop(x)],
];

describe('every options object refuses an unknown key', () => {
  it.each(APIS)('%s', async (owner, call) => {
    let thrown: unknown;
    try {
      await call(withBogus({}));
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(InvalidArgumentError);
    expect((thrown as Error).message).toMatch(
      new RegExp(`^${owner.replace('.', '\\.')}: unknown option "${BOGUS}" \\(known: ("\\w+", )*"\\w+"\\)$`),
    );
  });

  it.each(APIS.filter(([owner]) => owner !== 'main' && owner !== 'configureThreads'))('%s accepts the same call without it', async (_, call) => {
    await call({});
  });

  it('names the typos of the issue, with what was meant among the known keys', () => {
    expect(() => configureThreads({ thread: 2 } as never)).toThrow(
      'configureThreads: unknown option "thread" (known: "threads", "goroutinesPerThread", "resourceLimits", "workerEntry")',
    );
    expect(() => new RetryPolicy({ maxAttempt: 3 } as never)).toThrow(/^RetryPolicy: unknown option "maxAttempt" \(known: "maxAttempts", /);
    expect(() => main(async () => {}, { trackback: false } as never)).toThrow('main: unknown option "trackback" (known: "traceback")');
  });
});
