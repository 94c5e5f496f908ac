/**
 * One cancellation rule for every pattern call that takes a Cancel (core/cancel.ts cancelReason): stopped by an
 * AbortSignal it rejects with `signal.reason`; by a Context, with context.Cause(ctx): ctx.err() (Canceled,
 * DeadlineExceeded) unless the context was canceled with a cause. Checked for a signal aborted before the call and
 * during its wait, and for contexts with and without a cause, on the virtual clock.
 */
import { describe, expect, it } from 'vitest';
import {
  background,
  withCancel,
  withCancelCause,
  type Context,
  Canceled,
  DeadlineExceeded,
  withTimeout,
  recvCase,
  select,
  synctest,
  chan,
} from '../../../runtime/index.js';
import {
  type Cancel,
  BulkheadCircuitBreaker,
  CircuitBreaker,
  FanIn,
  FanOut,
  FanPattern,
  Pipeline,
  LeakyBucketRateLimiter,
  SlidingWindowRateLimiter,
  TokenBucketRateLimiter,
  RetryExecutor,
  RetryPolicy,
  FixedWorkerPool,
} from '../../../patterns/index.js';

const never = (): Promise<never> => new Promise<never>(() => {});

/** polite never returns, and fails with an error of its own once its context is done (a stage that honours ctx). */
const polite = async (_x: number, ctx: Context): Promise<never> => {
  await select([recvCase(ctx.done())]); // parked on a channel: the virtual clock runs on
  throw new Error('stage stopped');
};

async function* source(): AsyncGenerator<number> {
  yield 1;
  yield 2;
}

/** Call starts one pattern call with `cancel`; `waits` says whether the pattern itself waits (so it can be cut). */
interface Call {
  readonly name: string;
  readonly waits: boolean;
  start(cancel: Cancel): Promise<unknown>;
}

const calls: Call[] = [
  { name: 'FanOut.distribute', waits: true, start: (c) => new FanOut<number, number>({ workerCount: 2 }).distribute([1, 2, 3], never, c) },
  {
    name: 'FanOut.processBatches',
    waits: true,
    start: (c) => new FanOut<number, number>({ workerCount: 2, batchSize: 2 }).processBatches([1, 2, 3], never, c),
  },
  { name: 'FanPattern.process', waits: true, start: (c) => new FanPattern<number, number>({ workerCount: 2 }).process([1, 2], never, c) },
  {
    name: 'FanPattern.processStream',
    waits: true,
    start: async (c) => {
      for await (const _ of new FanPattern<number, number>({ workerCount: 2 }).processStream(source(), never, c));
    },
  },
  {
    name: 'FanIn.merge (err())',
    waits: true,
    start: async (c) => {
      const f = new FanIn<number>();
      f.addInput(chan<number>()); // never sends
      const out = f.merge(c);
      while ((await out.recvOk()).ok);
      throw f.err();
    },
  },
  { name: 'Pipeline.process', waits: true, start: (c) => new Pipeline<number>().addStage('stuck', polite).process(1, c) },
  {
    name: 'WorkerPool.submit',
    waits: true,
    start: async (c) => {
      const pool = new FixedWorkerPool<number, number>(1, { worker: never });
      try {
        return await pool.submit(1, { cancel: c });
      } finally {
        await pool.stop({ mode: 'cancel' }); // its goroutines must end for the bubble to end
      }
    },
  },
  { name: 'CircuitBreaker.execute', waits: false, start: (c) => new CircuitBreaker().execute(() => 1, c) },
  {
    name: 'BulkheadCircuitBreaker.call',
    waits: true,
    start: (c) => {
      const b = new BulkheadCircuitBreaker({ maxConcurrentCalls: 1 });
      void b.call(never);
      return b.call(() => 1, c);
    },
  },
  {
    name: 'RetryExecutor.execute',
    waits: true,
    start: (c) =>
      new RetryExecutor(new RetryPolicy({ maxAttempts: 5, initialDelay: 1000, jitter: 'none' })).execute(() => {
        throw new Error('flaky');
      }, c),
  },
  {
    name: 'TokenBucketRateLimiter.acquire',
    waits: true,
    start: (c) => {
      const l = new TokenBucketRateLimiter({ capacity: 1, refillRate: 1, refillInterval: 1e6 });
      l.tryAcquire(1);
      return l.acquire(1, c);
    },
  },
  {
    name: 'TokenBucketRateLimiter.execute',
    waits: true,
    start: (c) => {
      const l = new TokenBucketRateLimiter({ capacity: 1, refillRate: 1, refillInterval: 1e6 });
      l.tryAcquire(1);
      return l.execute(() => 1, c);
    },
  },
  {
    name: 'LeakyBucketRateLimiter.enqueue',
    waits: true,
    start: async (c) => {
      const l = new LeakyBucketRateLimiter<number>({ capacity: 1, leakRate: 1, leakInterval: 1e6 });
      void l.enqueue(1);
      void l.enqueue(2).catch(() => undefined);
      try {
        return await l.enqueue(3, c);
      } finally {
        l.stop(); // its goroutine must end for the bubble to end
      }
    },
  },
  {
    name: 'SlidingWindowRateLimiter.request',
    waits: true,
    start: (c) => {
      const l = new SlidingWindowRateLimiter({ windowSize: 1e6, maxRequests: 1 });
      void l.request();
      return l.request(c);
    },
  },
];

/** outcome runs `p` to its end and returns what it rejected with ('resolved' if it did not). */
const outcome = (p: Promise<unknown>): Promise<unknown> => p.then(() => 'resolved', (e: unknown) => e);

describe('the cancellation rule', () => {
  for (const call of calls) {
    describe(call.name, () => {
      it("rejects with the reason of a signal aborted before the call", () =>
        synctest.run(async () => {
          const reason = new Error(`${call.name}: gone`);
          expect(await outcome(call.start(AbortSignal.abort(reason)))).toBe(reason);
        }));

      it('rejects with the cause of a context canceled with one, and Canceled without', () =>
        synctest.run(async () => {
          const [a, cancelA] = withCancelCause(background());
          cancelA('the cause');
          expect(await outcome(call.start(a))).toBe('the cause');
          const [b, cancelB] = withCancel(background());
          cancelB();
          expect(await outcome(call.start(b))).toBe(Canceled);
        }));

      if (!call.waits) return;

      it("rejects with the reason of a signal aborted while it waits", () =>
        synctest.run(async () => {
          const ac = new AbortController();
          const p = outcome(call.start(ac.signal));
          await synctest.wait();
          const reason = new Error(`${call.name}: gone while waiting`);
          ac.abort(reason);
          expect(await p).toBe(reason);
        }));

      it('rejects with DeadlineExceeded when its context times out while it waits', () =>
        synctest.run(async () => {
          const [ctx, cancel]: [Context, () => void] = withTimeout(background(), 50);
          try {
            expect(await outcome(call.start(ctx))).toBe(DeadlineExceeded);
          } finally {
            cancel();
          }
        }));
    });
  }
});
