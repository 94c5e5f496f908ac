import { describe, expect, it } from 'vitest';
import { recv, background, withCancel, InvalidArgumentError, go, synctest, sleep } from '../../../runtime/index.js';
import {
  isRateLimiterClosedError,
  RateLimiterClosedError,
  LeakyBucketRateLimiter,
  type LeakyBucketConfig,
} from '../../../patterns/index.js';
import { stopwatch, track } from './helpers.js';
import { expectRejection } from '../../rejection.js';

/** lb makes a bucket that leaks one item every 100 ms. */
const lb = <T = string>(c: Partial<LeakyBucketConfig> = {}): LeakyBucketRateLimiter<T> =>
  new LeakyBucketRateLimiter<T>({ capacity: 5, leakRate: 10, leakInterval: 1000, ...c });

/** consume records each item with the time it reached the consumer, until output closes. */
function consume<T>(b: LeakyBucketRateLimiter<T>, clock: () => number): string[] {
  const log: string[] = [];
  go(async () => {
    for await (const item of b.output) log.push(`${String(item)}@${clock()}`);
    log.push(`closed@${clock()}`);
  });
  return log;
}

describe('LeakyBucketRateLimiter: leaking', () => {
  it('leaks items evenly spaced, in order, the first at once', () =>
    synctest.run(async () => {
      const b = lb();
      const clock = stopwatch();
      const log = consume(b, clock);
      for (const x of ['a', 'b', 'c', 'd', 'e']) expect(b.tryEnqueue(x)).toBe(true);
      await sleep(1000);
      expect(log).toEqual(['a@0', 'b@100', 'c@200', 'd@300', 'e@400']);
      b.close();
      await recv(b.done());
      expect(log.at(-1)).toBe('closed@1000'); // closed when close() was called: the bucket was empty
    }));

  it('lets an item that finds the bucket idle leave at once, and accumulates no credit', () =>
    synctest.run(async () => {
      const b = lb();
      const clock = stopwatch();
      const log = consume(b, clock);
      b.tryEnqueue('a');
      await sleep(1050);
      b.tryEnqueue('b');
      b.tryEnqueue('c');
      b.tryEnqueue('d');
      await sleep(1000);
      expect(log).toEqual(['a@0', 'b@1050', 'c@1150', 'd@1250']);
      await b.stop();
    }));

  it('paces a slow consumer instead of bursting to catch up', () =>
    synctest.run(async () => {
      const b = lb();
      const clock = stopwatch();
      for (const x of ['a', 'b', 'c']) b.tryEnqueue(x);
      const got: string[] = [];
      expect(await b.output.recv()).toBe('a');
      await sleep(500); // the consumer is busy; 'b' is offered from t=100 but not taken
      got.push(`${await b.output.recv()}@${clock()}`);
      got.push(`${await b.output.recv()}@${clock()}`);
      expect(got).toEqual(['b@500', 'c@600']);
      await b.stop();
    }));

  it('dequeue is the pull form: an item only when the pace allows', () =>
    synctest.run(async () => {
      const b = lb();
      b.tryEnqueue('a');
      b.tryEnqueue('b');
      await sleep(1);
      expect(b.dequeue()).toBe('a');
      expect(b.dequeue()).toBeUndefined();
      await sleep(98);
      expect(b.dequeue()).toBeUndefined();
      await sleep(3); // 'b' is offered from t=101 (a was taken at t=1)
      expect(b.dequeue()).toBe('b');
      expect(b.dequeue()).toBeUndefined();
      b.close();
      await sleep(200);
      expect(b.dequeue()).toBeUndefined();
    }));

  it('reports queue length, capacity and fullness (the item offered to the consumer has left the bucket)', () =>
    synctest.run(async () => {
      const b = lb({ capacity: 2 });
      expect(b.getCapacity()).toBe(2);
      expect([b.getQueueLength(), b.isFull()]).toEqual([0, false]);
      b.tryEnqueue('a');
      await sleep(1); // 'a' has leaked and is offered
      b.tryEnqueue('b');
      b.tryEnqueue('c');
      expect([b.getQueueLength(), b.isFull()]).toEqual([2, true]);
      expect(b.tryEnqueue('d')).toBe(false);
      expect(await b.stop()).toEqual(['a', 'b', 'c']);
    }));
});

describe('LeakyBucketRateLimiter: enqueue', () => {
  it('waits while the bucket is full, and gets room in FIFO order', () =>
    synctest.run(async () => {
      const b = lb({ capacity: 1 });
      const clock = stopwatch();
      const log = consume(b, clock);
      const entered: string[] = [];
      for (const x of ['a', 'b', 'c', 'd']) {
        go(async () => {
          await b.enqueue(x);
          entered.push(`${x}@${clock()}`);
        });
      }
      await sleep(1000);
      expect(entered).toEqual(['a@0', 'b@0', 'c@100', 'd@200']);
      expect(log).toEqual(['a@0', 'b@100', 'c@200', 'd@300']);
      b.close();
    }));

  it('lets a canceled enqueuer leave without enqueuing, freeing its place', () =>
    synctest.run(async () => {
      const b = lb({ capacity: 1 });
      const clock = stopwatch();
      b.tryEnqueue('a');
      await sleep(1);
      b.tryEnqueue('b'); // 'a' is offered, 'b' fills the bucket
      const [ctx, cancel] = withCancel(background());
      const c = track(b.enqueue('c', ctx));
      const d = track(b.enqueue('d'));
      await sleep(10);
      cancel();
      await sleep(1);
      expect([c.state(), d.state()]).toEqual(['ERR_CONTEXT_CANCELED', 'pending']);
      const log = consume(b, clock);
      await sleep(500);
      expect(d.state()).toBe('resolved');
      expect(log).toEqual(['a@12', 'b@112', 'd@212']);
      b.close();
    }));

  it('rejects at once with an already-aborted signal, even with room', () =>
    synctest.run(async () => {
      const b = lb();
      const ac = new AbortController();
      ac.abort('no');
      await expect(b.enqueue('a', ac.signal)).rejects.toBe('no');
      expect(b.getQueueLength()).toBe(0);
      await expectRejection(
        () => b.enqueue('a', 'soon' as unknown as AbortSignal),
        InvalidArgumentError,
        'LeakyBucketRateLimiter.enqueue: cancel must be a Context, an AbortSignal or undefined, got "soon"',
      );
      expect(b.getQueueLength()).toBe(0);
      b.close();
    }));

  it('enqueues at once with a signal when there is room', () =>
    synctest.run(async () => {
      const b = lb();
      await b.enqueue('a', new AbortController().signal);
      await b.enqueue('b', background());
      expect(await b.stop()).toEqual(['a', 'b']);
    }));
});

describe('LeakyBucketRateLimiter: close and stop', () => {
  it('close refuses new items and leaks the rest at the same pace, then closes output', () =>
    synctest.run(async () => {
      const b = lb();
      const clock = stopwatch();
      const log = consume(b, clock);
      b.tryEnqueue('a');
      b.tryEnqueue('b');
      b.close();
      b.close(); // again: nothing
      expect(() => b.tryEnqueue('c')).toThrow(RateLimiterClosedError);
      expect(() => b.tryEnqueue('c')).toThrow('LeakyBucketRateLimiter: closed');
      const e = await b.enqueue('c').catch((err: unknown) => err);
      expect(isRateLimiterClosedError(e)).toBe(true);
      await recv(b.done());
      expect(log).toEqual(['a@0', 'b@100', 'closed@200']);
    }));

  it('close rejects parked enqueuers, with and without a cancel', () =>
    synctest.run(async () => {
      const b = lb({ capacity: 1 });
      b.tryEnqueue('a');
      await sleep(1);
      b.tryEnqueue('b');
      const c = track(b.enqueue('c'));
      const d = track(b.enqueue('d', new AbortController().signal));
      await sleep(1);
      b.close();
      await sleep(1);
      expect([c.state(), d.state()]).toEqual(['ERR_RATE_LIMITER_CLOSED', 'ERR_RATE_LIMITER_CLOSED']);
      expect(await b.stop()).toEqual(['a', 'b']);
    }));

  it('stop ends at once and returns what never reached the consumer, oldest first', () =>
    synctest.run(async () => {
      const b = lb();
      const clock = stopwatch();
      for (const x of ['a', 'b', 'c', 'd']) b.tryEnqueue(x);
      expect(await b.output.recv()).toBe('a');
      await sleep(150); // 'b' is offered since t=100
      expect(await b.stop()).toEqual(['b', 'c', 'd']);
      expect(clock()).toBe(150);
      expect(await b.output.recvOk()).toEqual({ value: undefined, ok: false });
      expect(b.getQueueLength()).toBe(0);
      expect(await b.stop()).toEqual([]);
      expect(() => b.tryEnqueue('e')).toThrow(RateLimiterClosedError);
    }));

  it('stop while pacing and stop after close both end the goroutine', () =>
    synctest.run(async () => {
      const b = lb();
      b.tryEnqueue('a');
      expect(await b.output.recv()).toBe('a');
      expect(await b.stop()).toEqual([]); // the goroutine was pacing
      const c = lb();
      c.tryEnqueue('x');
      c.tryEnqueue('y');
      c.close();
      expect(await c.stop()).toEqual(['x', 'y']);
    }));

  it('an item handed to the goroutine in the same turn as stop is returned, not lost', () =>
    synctest.run(async () => {
      const b = lb();
      await sleep(1); // the goroutine is parked on the empty bucket
      b.tryEnqueue('a'); // handed straight to it
      expect(await b.stop()).toEqual(['a']);
    }));
});

describe('LeakyBucketRateLimiter: config', () => {
  const bad: [unknown, string][] = [
    [{ capacity: 0 }, 'LeakyBucketRateLimiter: capacity must be an integer >= 1, got 0'],
    [{ capacity: 2.5 }, 'capacity must be an integer >= 1, got 2.5'],
    [{ capacity: Number.NaN }, 'capacity must be an integer >= 1, got NaN'],
    [{ capacity: Infinity }, 'capacity must be an integer >= 1, got Infinity'],
    [{ leakRate: 0 }, 'LeakyBucketRateLimiter: leakRate must be a finite number > 0, got 0'],
    [{ leakRate: -1 }, 'leakRate must be a finite number > 0, got -1'],
    [{ leakRate: Infinity }, 'leakRate must be a finite number > 0, got Infinity'],
    [{ leakRate: Number.NaN }, 'leakRate must be a finite number > 0, got NaN'],
    [{ leakInterval: 0 }, 'LeakyBucketRateLimiter: leakInterval must be a finite number > 0, got 0'],
    [{ leakInterval: '100' }, 'leakInterval must be a finite number > 0, got "100"'],
  ];
  for (const [patch, message] of bad) {
    it(`rejects ${message.replace(/^.*: /, '')}`, () => {
      expect(() => lb(patch as Partial<LeakyBucketConfig>)).toThrow(InvalidArgumentError);
      expect(() => lb(patch as Partial<LeakyBucketConfig>)).toThrow(message);
    });
  }

  it('rejects a config that is not an object', () => {
    expect(() => new LeakyBucketRateLimiter(null as unknown as LeakyBucketConfig)).toThrow(
      'LeakyBucketRateLimiter: config must be an object, got null',
    );
  });
});
