/**
 * goThreadCancelable: an abort abandons a task goroutine. A queued one is dropped and never runs; a running one has
 * its worker terminated and replaced (the other goroutines on that thread fail with ThreadDiedError); a settled one
 * is left alone. goThreadAbandonable and goThreadSettled (a promise-free variant that tells a Settle) do the same
 * through a function. No wall-clock thresholds: the specs poll for conditions.
 */
import { describe, expect, it } from 'vitest';
import {
  InvalidArgumentError,
  ThreadDiedError,
  isThreadDiedError,
  goThread,
  configureThreads,
} from '../../../runtime/index.js';
import { onThreadExit } from '../../../runtime/shared/memory/exit-hooks.js';
import {
  abandonTask,
  goThreadAbandonable,
  goThreadCancelable,
  goThreadSettled,
} from '../../../runtime/threads/go-thread-cancelable.js';
import { runningThreads } from '../../../runtime/threads/threads-lifecycle.js';
import { add, fail, forever, mark, nap, spinForever, where } from './tasks/basic.js';
import { until, useThreads } from './use-threads.js';
import { expectRejection } from '../../rejection.js';

useThreads({ threads: 1 });

const flags = (): Int32Array => new Int32Array(new SharedArrayBuffer(16));

describe('goThreadCancelable', () => {
  it('resolves with the result like goThread when never aborted', async () => {
    expect(await goThreadCancelable(add, [2, 3], new AbortController().signal)).toBe(5);
  });

  it('terminates the thread of a busy-looping task on abort, rejects with the reason, and a replacement serves', async () => {
    const exits: [number, ThreadDiedError | null][] = [];
    const off = onThreadExit((slot, died) => exits.push([slot, died]));
    try {
      const before = (await goThread(where, 0)).slot;
      const f = flags();
      const ac = new AbortController();
      const neighbour = goThread(forever); // on the same (only) thread: it dies with it
      const spinning = goThreadCancelable(spinForever, [f], ac.signal);
      await until(() => Atomics.load(f, 0) === 1);
      const reason = new Error('enough');
      ac.abort(reason);
      expect(await spinning.catch((e: unknown) => e)).toBe(reason);

      const e = await neighbour.catch((x: unknown) => x);
      expect(e).toBeInstanceOf(ThreadDiedError);
      expect(isThreadDiedError(e)).toBe(true);
      expect((e as ThreadDiedError).slot).toBe(before);
      expect((e as Error).message).toMatch(new RegExp(`^thread ${before} was stopped to abandon goroutine \\d+$`));

      const after = (await goThread(where, 0)).slot;
      expect(after).not.toBe(before);
      expect(runningThreads()).toBe(1);
      expect(exits.map(([slot]) => slot)).toEqual([before]);
      expect(exits[0]![1]!.message).toBe((e as Error).message);
    } finally {
      off();
    }
  });

  it('drops a queued task on abort: it never runs', async () => {
    configureThreads({ threads: 1, goroutinesPerThread: 1 });
    const f = flags();
    const busy = new AbortController();
    const spinning = goThreadCancelable(spinForever, [f], busy.signal);
    await until(() => Atomics.load(f, 0) === 1);
    const ac = new AbortController();
    const queued = goThreadCancelable(mark, [f, 1], ac.signal);
    ac.abort('changed my mind');
    expect(await queued.catch((e: unknown) => e)).toBe('changed my mind');

    busy.abort();
    expect((await spinning.catch((e: unknown) => e)) as Error).toMatchObject({ name: 'AbortError' });
    expect(await goThread(mark, f, 2)).toBeGreaterThan(0);
    expect(Array.from(f.slice(0, 3))).toEqual([1, 0, 1]);
  });

  it('does nothing when aborted after the task settled', async () => {
    const exits: number[] = [];
    const off = onThreadExit((slot) => exits.push(slot));
    try {
      const ac = new AbortController();
      const slot = (await goThreadCancelable(where, [0], ac.signal)).slot;
      ac.abort();
      expect((await goThread(where, 0)).slot).toBe(slot);
      expect(exits).toEqual([]);
      expect(runningThreads()).toBe(1);
    } finally {
      off();
    }
  });

  it('rejects with the reason and starts nothing when the signal is already aborted', async () => {
    const e = await goThreadCancelable(add, [1, 2], AbortSignal.abort('no')).catch((x: unknown) => x);
    expect(e).toBe('no');
    expect(runningThreads()).toBe(0);
  });

  it('rejects (never throws) with InvalidArgumentError for a signal that is not an AbortSignal or bad args', async () => {
    await expectRejection(
      () => goThreadCancelable(add, [1, 2], {} as AbortSignal),
      InvalidArgumentError,
      'goThreadCancelable: signal must be an AbortSignal, got object',
    );
    await expectRejection(
      () => goThreadCancelable(add, 1 as never, new AbortController().signal),
      InvalidArgumentError,
      'goThreadCancelable: args must be an array, got number',
    );
    await expectRejection(
      () => goThreadCancelable((() => 1) as never, [], new AbortController().signal),
      InvalidArgumentError,
      /^goThreadCancelable: fn must be a task/,
    );
    expect(runningThreads()).toBe(0);
  });

  it('settles every goroutine exactly once under aborts at random points (seeded), and keeps serving', async () => {
    configureThreads({ threads: 2 });
    let seed = 0x9e3779b9;
    const rand = (): number => {
      seed = (seed * 1664525 + 1013904223) >>> 0;
      return seed / 2 ** 32;
    };
    for (let round = 0; round < 30; round++) {
      const runs = Array.from({ length: 6 }, () => {
        const ac = new AbortController();
        const reason = new Error(`abort ${round}`);
        // Observe the outcome at once: a later abort would otherwise reject before anyone listened.
        const settled = goThreadCancelable(nap, [Math.floor(rand() * 4)], ac.signal).then(
          (v) => ({ ok: true as const, v }),
          (e: unknown) => ({ ok: false as const, e }),
        );
        if (rand() < 0.5) setTimeout(() => ac.abort(reason), Math.floor(rand() * 6));
        return { settled, reason };
      });
      for (const { settled, reason } of runs) {
        const o = await settled;
        if (o.ok) expect(o.v.slot).toBeGreaterThan(0);
        else expect(o.e === reason || isThreadDiedError(o.e)).toBe(true);
      }
    }
    expect(await goThread(add, 1, 1)).toBe(2);
    await until(() => runningThreads() === 2);
  });
});

describe('goThreadAbandonable', () => {
  it('resolves with the result like goThread, and abandon after that does nothing', async () => {
    const [sum, abandon] = goThreadAbandonable(add, [2, 3]);
    expect(await sum).toBe(5);
    const slot = (await goThread(where, 0)).slot;
    abandon(new Error('late'));
    expect((await goThread(where, 0)).slot).toBe(slot);
  });

  it('terminates the thread of a running task on abandon and rejects with the reason; a replacement serves', async () => {
    const before = (await goThread(where, 0)).slot;
    const f = flags();
    const [spinning, abandon] = goThreadAbandonable(spinForever, [f]);
    await until(() => Atomics.load(f, 0) === 1);
    const reason = new Error('enough');
    abandon(reason);
    expect(await spinning.catch((e: unknown) => e)).toBe(reason);
    expect((await goThread(where, 0)).slot).not.toBe(before);
  });

  it('drops a queued task on abandon: it never runs', async () => {
    configureThreads({ threads: 1, goroutinesPerThread: 1 });
    const f = flags();
    const [spinning, stop] = goThreadAbandonable(spinForever, [f]);
    await until(() => Atomics.load(f, 0) === 1);
    const [queued, abandon] = goThreadAbandonable(mark, [f, 1]);
    abandon('changed my mind');
    expect(await queued.catch((e: unknown) => e)).toBe('changed my mind');
    stop('done');
    expect(await spinning.catch((e: unknown) => e)).toBe('done');
    expect(await goThread(mark, f, 2)).toBeGreaterThan(0);
    expect(Array.from(f.slice(0, 3))).toEqual([1, 0, 1]);
  });

  it('throws InvalidArgumentError at the call for args that are not an array or a fn that is not a task', () => {
    expect(() => goThreadAbandonable(add, 1 as never)).toThrow('goThreadAbandonable: args must be an array, got number');
    expect(() => goThreadAbandonable((() => 1) as never, [])).toThrow(InvalidArgumentError);
  });
});

/** recorder is a Settle that records every call it gets, to check that it is told exactly once. */
interface Recorder {
  readonly to: { resolve: (v: unknown) => void; reject: (e: unknown) => void };
  readonly calls: [string, unknown][];
  readonly told: Promise<void>;
}

function recorder(): Recorder {
  const calls: [string, unknown][] = [];
  let told!: () => void;
  const p = new Promise<void>((r) => (told = r));
  const to = {
    resolve: (v: unknown): void => {
      calls.push(['resolve', v]);
      told();
    },
    reject: (e: unknown): void => {
      calls.push(['reject', e]);
      told();
    },
  };
  return { to, calls, told: p };
}

describe('goThreadSettled', () => {
  it('tells its Settle the result, once, and abandonTask after that does nothing', async () => {
    const r = recorder();
    const t = goThreadSettled(add, [2, 3], r.to);
    await r.told;
    const slot = (await goThread(where, 0)).slot;
    abandonTask(t, new Error('late'));
    expect((await goThread(where, 0)).slot).toBe(slot);
    expect(r.calls).toEqual([['resolve', 5]]);
  });

  it('tells its Settle a task\'s error, rebuilt in its class', async () => {
    const r = recorder();
    goThreadSettled(fail, ['type'], r.to);
    await r.told;
    expect(r.calls).toHaveLength(1);
    expect(r.calls[0]![0]).toBe('reject');
    expect(r.calls[0]![1]).toBeInstanceOf(TypeError);
    expect((r.calls[0]![1] as Error).message).toBe('not a number');
  });

  it('rejects at once, before abandonTask returns, and terminates the thread of a running task', async () => {
    const before = (await goThread(where, 0)).slot;
    const f = flags();
    const r = recorder();
    const reason = new Error('enough');
    const t = goThreadSettled(spinForever, [f], r.to);
    await until(() => Atomics.load(f, 0) === 1);
    abandonTask(t, reason);
    expect(r.calls).toEqual([['reject', reason]]);
    expect((await goThread(where, 0)).slot).not.toBe(before);
    expect(r.calls).toHaveLength(1); // the thread's death is not told again
  });

  it('throws InvalidArgumentError at the call for args that are not an array or a fn that is not a task', () => {
    const r = recorder();
    expect(() => goThreadSettled(add, 1 as never, r.to)).toThrow('goThreadSettled: args must be an array, got number');
    expect(() => goThreadSettled((() => 1) as never, [], r.to)).toThrow(InvalidArgumentError);
    expect(r.calls).toEqual([]);
  });
});
