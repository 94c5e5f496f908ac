import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, SyncMisuseError, isSyncMisuseError } from '../../../../runtime/panics.js';
import type { Semaphore } from '../../../../runtime/sync/semaphore.js';
import { rejection } from '../../../rejection.js';
import { background, caught, fakeContext, flush, settled } from '../helpers.js';

/** track logs `name` when `p` resolves, and `name!` when it rejects. */
function track(log: string[], name: string, p: Promise<void>): Promise<void> {
  return p.then(
    () => {
      log.push(name);
    },
    () => {
      log.push(`${name}!`);
    },
  );
}

/** SemaphoreLike is the public surface of Semaphore that the suite exercises. */
export type SemaphoreLike = Pick<Semaphore, keyof Semaphore>;

/** semaphoreSuite is the Semaphore suite: run it against the one-thread Semaphore and against its shared twin. */
export function semaphoreSuite(label: string, make: (n: number) => SemaphoreLike, name: string): void {
  describe(label, () => {
    it('acquires free weight at once and gives it back on release', async () => {
      const sem = make(3);
      await sem.acquire(background, 2);
      await sem.acquire(background);
      expect(sem.tryAcquire()).toBe(false);
      sem.release(3);
      expect(sem.tryAcquire(3)).toBe(true);
      sem.release(3);
    });

    it('parks acquirers until weight is released and serves them in arrival order', async () => {
      const sem = make(2);
      await sem.acquire(background, 2);
      const log: string[] = [];
      const ps = [1, 2, 1, 1].map((n, i) => track(log, `A${i}(${n})`, sem.acquire(background, n)));
      await flush();
      expect(log).toEqual([]);
      sem.release(1);
      await flush();
      expect(log).toEqual(['A0(1)']); // A1 needs 2: it waits, and so does everyone behind it
      sem.release(1);
      await flush();
      expect(log).toEqual(['A0(1)']);
      sem.release(1);
      await flush();
      expect(log).toEqual(['A0(1)', 'A1(2)']);
      sem.release(2);
      await Promise.all(ps);
      expect(log).toEqual(['A0(1)', 'A1(2)', 'A2(1)', 'A3(1)']);
      sem.release(2);
      expect(sem.tryAcquire(2)).toBe(true);
    });

    it('does not let a small request pass a big one at the head of the line', async () => {
      const sem = make(10);
      await sem.acquire(background, 5);
      const log: string[] = [];
      const big = track(log, 'big', sem.acquire(background, 10));
      const small = track(log, 'small', sem.acquire(background, 1)); // 5 are free, but big is first
      expect(sem.tryAcquire(1)).toBe(false); // nor may tryAcquire barge
      await flush();
      expect(log).toEqual([]);
      sem.release(5);
      await big;
      expect(log).toEqual(['big']);
      sem.release(10);
      await small;
      expect(log).toEqual(['big', 'small']);
      sem.release(1);
    });

    it('accepts a weight of zero when nobody waits', async () => {
      const sem = make(0);
      expect(sem.tryAcquire(0)).toBe(true);
      await sem.acquire(background, 0);
      sem.release(0);
    });

    it('rejects with ctx.err() and takes nothing when ctx is done while parked', async () => {
      const sem = make(1);
      await sem.acquire(background);
      const ctx = fakeContext();
      const p = sem.acquire(ctx);
      expect(await settled(p)).toBe(false);
      expect(ctx.registrations()).toBe(1);
      const err = new Error('context canceled');
      ctx.cancel(err);
      await expect(p).rejects.toBe(err);
      sem.release();
      expect(sem.tryAcquire()).toBe(true); // the canceled waiter holds nothing and is gone from the line
      sem.release();
    });

    it('lets the acquirers behind a canceled head proceed', async () => {
      const sem = make(10);
      await sem.acquire(background, 5);
      const ctx = fakeContext();
      const log: string[] = [];
      const big = track(log, 'big', sem.acquire(ctx, 10));
      const a = track(log, 'a', sem.acquire(background, 2));
      const b = track(log, 'b', sem.acquire(background, 3));
      const c = track(log, 'c', sem.acquire(background, 1)); // 2 + 3 = 5 free: c does not fit
      await flush();
      expect(log).toEqual([]);
      ctx.cancel();
      await Promise.all([big, a, b]);
      expect([...log].sort()).toEqual(['a', 'b', 'big!']);
      expect(await settled(c)).toBe(false);
      sem.release(2);
      await c;
      expect(log[3]).toBe('c');
    });

    it('never grants a waiter whose context is done, even while that cancellation is being delivered', async () => {
      const sem = make(4);
      await sem.acquire(background, 3);
      const ctx = fakeContext();
      const log: string[] = [];
      const a = track(log, 'a', sem.acquire(ctx, 4)); // head, does not fit
      const b = track(log, 'b', sem.acquire(ctx, 1)); // fits once a is gone, but shares a's context
      const c = track(log, 'c', sem.acquire(background, 1));
      ctx.cancel(); // wakes a first: its removal must not grant b, but c, behind b, fits
      await Promise.all([a, b, c]);
      expect([...log].sort()).toEqual(['a!', 'b!', 'c']);
      expect(ctx.registrations()).toBe(0);
      sem.release(4);
      expect(sem.tryAcquire(4)).toBe(true);
    });

    it('leaves the line as it was when a waiter that is not the head is canceled', async () => {
      const sem = make(2);
      await sem.acquire(background, 2);
      const ctx = fakeContext();
      const log: string[] = [];
      const a = track(log, 'a', sem.acquire(background, 2));
      const b = track(log, 'b', sem.acquire(ctx, 1));
      const c = track(log, 'c', sem.acquire(background, 1));
      ctx.cancel();
      await b;
      expect(log).toEqual(['b!']);
      sem.release(2);
      await a;
      sem.release(2);
      await c;
      expect(log).toEqual(['b!', 'a', 'c']);
    });

    it('fails at once for a context already done, even when the weight is free', async () => {
      const sem = make(5);
      const ctx = fakeContext();
      const err = new Error('deadline exceeded');
      ctx.cancel(err);
      await expect(sem.acquire(ctx)).rejects.toBe(err);
      expect(sem.tryAcquire(5)).toBe(true);
    });

    it('makes a request larger than the size wait for ctx alone, holding up nobody', async () => {
      const sem = make(2);
      const ctx = fakeContext();
      const err = new Error('canceled');
      const huge = sem.acquire(ctx, 3);
      await sem.acquire(background, 2); // not queued behind the doomed request
      expect(await settled(huge)).toBe(false);
      ctx.cancel(err);
      await expect(huge).rejects.toBe(err);
      sem.release(2);
    });

    it('parks a request larger than the size forever when ctx can never be done', async () => {
      const sem = make(1);
      expect(await settled(sem.acquire(background, 2))).toBe(false);
      expect(sem.tryAcquire()).toBe(true);
    });

    it('removes its registration from the done channel when the weight is granted', async () => {
      const sem = make(1);
      const ctx = fakeContext();
      await sem.acquire(ctx);
      const ps = [sem.acquire(ctx), sem.acquire(ctx), sem.acquire(ctx)];
      expect(ctx.registrations()).toBe(3);
      for (const p of ps) {
        sem.release();
        await p;
      }
      expect(ctx.registrations()).toBe(0);
      ctx.cancel(); // nothing left to wake: the semaphore is untouched
      sem.release();
      expect(sem.tryAcquire()).toBe(true);
    });

    it('throws SyncMisuseError when releasing more than held, and changes nothing', async () => {
      const sem = make(3);
      await sem.acquire(background, 2);
      for (const n of [3, 10]) {
        const e = caught(() => sem.release(n));
        expect(e).toBeInstanceOf(SyncMisuseError);
        expect((e as SyncMisuseError).message).toBe('semaphore: released more than held');
        expect((e as SyncMisuseError).code).toBe('ERR_SYNC_SEMAPHORE_RELEASED_MORE_THAN_HELD');
        expect((e as SyncMisuseError).fatal).toBe(false);
        expect(isSyncMisuseError(e)).toBe(true);
      }
      expect(sem.tryAcquire(2)).toBe(false); // still 2 of 3 held
      sem.release(2);
      expect(caught(() => sem.release())).toBeInstanceOf(SyncMisuseError);
    });

    it('throws (or, from acquire, rejects with) InvalidArgumentError for a bad weight, size or context, changing nothing', async () => {
      const bad: [unknown, string][] = [
        [-1, '-1'],
        [1.5, '1.5'],
        [NaN, 'NaN'],
        [Infinity, 'Infinity'],
        ['2', '"2"'],
        [null, 'null'],
      ];
      for (const [v, text] of bad) {
        const msg = (fn: string, arg: string): string => `${fn}: ${arg} must be a non-negative safe integer, got ${text}`;
        const e1 = caught(() => make(v as number));
        expect(e1).toBeInstanceOf(InvalidArgumentError);
        expect((e1 as Error).message).toBe(msg(`new ${name}`, 'n'));
        const sem = make(2);
        await sem.acquire(background);
        const e2 = await rejection(() => sem.acquire(background, v as number));
        expect(e2).toBeInstanceOf(InvalidArgumentError);
        expect((e2 as Error).message).toBe(msg(`${name}.acquire`, 'n'));
        const e3 = caught(() => sem.tryAcquire(v as number));
        expect((e3 as Error).message).toBe(msg(`${name}.tryAcquire`, 'n'));
        const e4 = caught(() => sem.release(v as number));
        expect((e4 as Error).message).toBe(msg(`${name}.release`, 'n'));
        expect(sem.tryAcquire(1)).toBe(true); // 1 was held, 1 free: untouched
        expect(sem.tryAcquire(1)).toBe(false);
      }
      const sem = make(1);
      const e5 = await rejection(() => sem.acquire(undefined as never));
      expect(e5).toBeInstanceOf(InvalidArgumentError);
      expect((e5 as Error).message).toBe(`${name}.acquire: ctx must be a Context, got undefined`);
      const odd = { ...background, done: () => ({ recv: () => Promise.resolve() }) };
      const e6 = await rejection(() => sem.acquire(odd as never));
      expect((e6 as Error).message).toBe(`${name}.acquire: ctx.done() must return a gocsp channel or null, got {}`);
      expect(sem.tryAcquire()).toBe(true);
    });
  });
}
