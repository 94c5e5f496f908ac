import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../../runtime/panics.js';
import type { Once } from '../../../../runtime/sync/once.js';
import { rejection } from '../../../rejection.js';
import { flush, settled } from '../helpers.js';

/** OnceLike is the public surface of Once that the suite exercises. */
export type OnceLike = Pick<Once, keyof Once>;

/** onceSuite is the Once suite: run it against the one-thread Once and against its shared twin. */
export function onceSuite(label: string, make: () => OnceLike, name: string): void {
  describe(label, () => {
    it('runs fn on the first call only', async () => {
      const once = make();
      let calls = 0;
      await once.do(() => {
        calls++;
      });
      await once.do(() => {
        calls++;
      });
      expect(calls).toBe(1);
    });

    it('runs fn synchronously inside the first do', () => {
      const once = make();
      let ran = false;
      void once.do(() => {
        ran = true;
      });
      expect(ran).toBe(true);
    });

    it('makes concurrent callers wait until the first fn completes', async () => {
      const once = make();
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      let calls = 0;
      let completed = false;
      const fn = async (): Promise<void> => {
        calls++;
        await gate;
        completed = true;
      };
      const first = once.do(fn);
      const others = [once.do(fn), once.do(fn)];
      for (const p of [first, ...others]) expect(await settled(p)).toBe(false);
      release();
      await Promise.all(others);
      expect(completed).toBe(true);
      await first;
      expect(calls).toBe(1);
    });

    it('counts a throwing fn as done: the first caller gets the throw, later calls do nothing', async () => {
      const once = make();
      const boom = new Error('boom');
      let calls = 0;
      await expect(
        once.do(() => {
          calls++;
          throw boom;
        }),
      ).rejects.toBe(boom);
      await once.do(() => {
        calls++;
      });
      expect(calls).toBe(1);
    });

    it('resolves the waiting callers normally when fn rejects', async () => {
      const once = make();
      const boom = new Error('boom');
      const first = once.do(async () => {
        await flush();
        throw boom;
      });
      const waiter = once.do(() => {});
      await expect(first).rejects.toBe(boom);
      await expect(waiter).resolves.toBeUndefined();
    });

    it('rejects with InvalidArgumentError, without throwing, for a fn that is not a function', async () => {
      const once = make();
      const e = await rejection(() => once.do('init' as unknown as () => void));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toBe(`${name}.do: fn must be a function, got "init"`);
    });
  });
}
