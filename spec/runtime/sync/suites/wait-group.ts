import { afterEach, describe, expect, it } from 'vitest';
import { InvalidArgumentError, SyncMisuseError, isSyncMisuseError } from '../../../../runtime/panics.js';
import { setPanicHandler, type PanicHandler } from '../../../../runtime/sched/panic.js';
import type { WaitGroup } from '../../../../runtime/sync/wait-group.js';
import { caught, flush, settled } from '../helpers.js';

/** WaitGroupLike is the public surface of WaitGroup that the suite exercises. */
export type WaitGroupLike = Pick<WaitGroup, keyof WaitGroup>;

/** waitGroupSuite is the WaitGroup suite: run it against the one-thread WaitGroup and against its shared twin. */
export function waitGroupSuite(label: string, make: () => WaitGroupLike, name: string): void {
  describe(label, () => {
    it('resolves wait at once when the counter is zero', async () => {
      const wg = make();
      expect(await settled(wg.wait())).toBe(true);
      wg.add(2);
      wg.add(-2);
      expect(await settled(wg.wait())).toBe(true);
    });

    it('parks wait until the counter reaches zero, then releases every waiter', async () => {
      const wg = make();
      wg.add(3);
      const waits = [wg.wait(), wg.wait(), wg.wait()];
      wg.done();
      wg.add(-1);
      for (const w of waits) expect(await settled(w)).toBe(false);
      wg.done();
      for (const w of waits) expect(await settled(w)).toBe(true);
    });

    it('throws SyncMisuseError on a negative counter and leaves the counter unchanged', async () => {
      const wg = make();
      wg.add(1);
      const e = caught(() => wg.add(-2));
      expect(e).toBeInstanceOf(SyncMisuseError);
      expect((e as SyncMisuseError).message).toBe('sync: negative WaitGroup counter');
      expect((e as SyncMisuseError).code).toBe('ERR_SYNC_NEGATIVE_WAITGROUP_COUNTER');
      expect((e as SyncMisuseError).fatal).toBe(false);
      expect(isSyncMisuseError(e)).toBe(true);
      const w = wg.wait();
      expect(await settled(w)).toBe(false); // still 1
      wg.done();
      expect(await settled(w)).toBe(true);
    });

    it('throws the negative-counter panic on done with a zero counter', () => {
      const wg = make();
      const e = caught(() => wg.done());
      expect(e).toBeInstanceOf(SyncMisuseError);
      expect((e as Error).message).toBe('sync: negative WaitGroup counter');
    });

    it('rejects the released waiters when the group is reused before they return', async () => {
      const wg = make();
      wg.add(1);
      const w1 = wg.wait();
      const w2 = wg.wait();
      wg.done();
      wg.add(1); // Go's classic misuse: Done then Add in one step while Wait has not returned
      for (const w of [w1, w2]) {
        const e = await w.then(
          () => null,
          (err: unknown) => err,
        );
        expect(e).toBeInstanceOf(SyncMisuseError);
        expect((e as SyncMisuseError).message).toBe('sync: WaitGroup is reused before previous Wait has returned');
        expect((e as SyncMisuseError).code).toBe('ERR_SYNC_WAITGROUP_REUSED');
      }
    });

    it('allows a new round of add once the previous wait has returned', async () => {
      const wg = make();
      for (let round = 0; round < 3; round++) {
        wg.add(2);
        setImmediate(() => {
          wg.done();
          wg.done();
        });
        await wg.wait();
      }
    });

    it('throws InvalidArgumentError for a delta that is not a safe integer and changes nothing', async () => {
      const wg = make();
      const bad: unknown[] = [1.5, NaN, Infinity, -0.5, '1', undefined, null, 2 ** 53];
      const texts = ['1.5', 'NaN', 'Infinity', '-0.5', '"1"', 'undefined', 'null', '9007199254740992'];
      bad.forEach((v, i) => {
        const e = caught(() => wg.add(v as number));
        expect(e).toBeInstanceOf(InvalidArgumentError);
        expect((e as Error).message).toBe(`${name}.add: delta must be a safe integer, got ${texts[i]}`);
      });
      expect(await settled(wg.wait())).toBe(true); // counter still 0
    });
  });

  describe(`${name}.go`, () => {
    let previous: PanicHandler | null = null;
    afterEach(() => {
      setPanicHandler(previous);
    });

    it('starts fn as a goroutine that runs after the caller continues', async () => {
      const wg = make();
      const log: string[] = [];
      wg.go(() => {
        log.push('goroutine');
      });
      log.push('caller');
      await wg.wait();
      expect(log).toEqual(['caller', 'goroutine']);
    });

    it('counts each goroutine until its promise settles', async () => {
      const wg = make();
      let finished = 0;
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      for (let i = 0; i < 5; i++) {
        wg.go(async () => {
          await gate;
          finished++;
        });
      }
      const w = wg.wait();
      expect(await settled(w)).toBe(false);
      release();
      await w;
      expect(finished).toBe(5);
    });

    it('calls done when fn throws, and reports the throw as a panic of that goroutine', async () => {
      const panics: unknown[] = [];
      previous = setPanicHandler((e) => panics.push(e));
      const wg = make();
      const boom = new Error('boom');
      const sync = new Error('sync boom');
      wg.go(async () => {
        await null;
        throw boom;
      });
      wg.go(() => {
        throw sync;
      });
      await wg.wait();
      await flush();
      expect(panics).toEqual(expect.arrayContaining([boom, sync]));
      expect(panics).toHaveLength(2);
    });

    it('throws InvalidArgumentError for a non-function and adds nothing', async () => {
      const wg = make();
      const e = caught(() => wg.go(42 as unknown as () => void));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toBe(`${name}.go: fn must be a function, got 42`);
      expect(await settled(wg.wait())).toBe(true);
    });
  });
}
