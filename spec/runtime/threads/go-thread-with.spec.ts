/**
 * goThreadWith: a task goroutine stopped by a Context (rejecting with ctx.err(), Go's ctx.Err()) or an AbortSignal
 * (rejecting with signal.reason). A running task that ignores it is abandoned by terminating and replacing its
 * thread; one not started yet is dropped and its thread left alone. No wall-clock margins: the stopped tasks never
 * end on their own, and the specs wait for conditions.
 */
import { describe, expect, it } from 'vitest';
import {
  background,
  withCancel,
  withCancelCause,
  Canceled,
  DeadlineExceeded,
  isCanceled,
  isDeadlineExceeded,
  withTimeout,
  InvalidArgumentError,
  isThreadDiedError,
  goThread,
  goThreadWith,
  configureThreads,
} from '../../../runtime/index.js';
import { runningThreads } from '../../../runtime/threads/threads-lifecycle.js';
import { add, block, forever, mark, release, spinForever, where } from './tasks/basic.js';
import { until, useThreads } from './use-threads.js';

useThreads({ threads: 1 });

const flags = (): Int32Array => new Int32Array(new SharedArrayBuffer(16));

describe('goThreadWith', () => {
  it('resolves with the result like goThread when nothing stops it', async () => {
    expect(await goThreadWith({}, add, 1, 2)).toBe(3);
    expect(await goThreadWith({ ctx: background() }, add, 2, 3)).toBe(5);
    expect(await goThreadWith({ signal: new AbortController().signal }, add, 3, 4)).toBe(7);
    const [ctx, cancel] = withCancel(background());
    expect(await goThreadWith({ ctx, signal: new AbortController().signal }, add, 4, 5)).toBe(9);
    cancel();
    expect(runningThreads()).toBe(1);
  });

  it('rejects with Canceled when its context is canceled, terminating the thread of a task that ignores it', async () => {
    const before = (await goThread(where, 0)).slot;
    const f = flags();
    const [ctx, cancel] = withCancel(background());
    const neighbour = goThread(forever); // running on the same (only) thread: it dies with it
    const spinning = goThreadWith({ ctx }, spinForever, f);
    await until(() => Atomics.load(f, 0) === 1);
    cancel();
    const e = await spinning.catch((x: unknown) => x);
    expect(e).toBe(Canceled);
    expect(isCanceled(e)).toBe(true);
    expect((e as Error).message).toBe('context canceled');
    const n = await neighbour.catch((x: unknown) => x);
    expect(isThreadDiedError(n)).toBe(true);
    expect((n as Error).message).toMatch(new RegExp(`^thread ${before} was stopped to abandon goroutine \\d+$`));
    expect((await goThread(where, 0)).slot).not.toBe(before);
    expect(runningThreads()).toBe(1);
  });

  it('rejects with DeadlineExceeded when its context times out', async () => {
    const f = flags();
    const [ctx, cancel] = withTimeout(background(), 20);
    try {
      const e = await goThreadWith({ ctx }, spinForever, f).catch((x: unknown) => x);
      expect(e).toBe(DeadlineExceeded);
      expect(isDeadlineExceeded(e)).toBe(true);
      expect((e as Error).message).toBe('context deadline exceeded');
    } finally {
      cancel();
    }
    expect(await goThread(add, 1, 1)).toBe(2);
  });

  it("rejects with ctx.err(), not the cause, for a context canceled with a cause", async () => {
    const f = flags();
    const [ctx, cancel] = withCancelCause(background());
    const spinning = goThreadWith({ ctx }, spinForever, f);
    await until(() => Atomics.load(f, 0) === 1);
    cancel(new Error('the cause'));
    expect(await spinning.catch((x: unknown) => x)).toBe(Canceled);
  });

  it("rejects with the signal's reason when its signal aborts", async () => {
    const f = flags();
    const ac = new AbortController();
    const spinning = goThreadWith({ signal: ac.signal }, spinForever, f);
    await until(() => Atomics.load(f, 0) === 1);
    const reason = new Error('enough');
    ac.abort(reason);
    expect(await spinning.catch((x: unknown) => x)).toBe(reason);
  });

  it('rejects with whichever of ctx and signal stops it first', async () => {
    const f = flags();
    const [ctx, cancel] = withCancel(background());
    const ac = new AbortController();
    const a = goThreadWith({ ctx, signal: ac.signal }, spinForever, f);
    await until(() => Atomics.load(f, 0) === 1);
    ac.abort('signal first');
    cancel();
    expect(await a.catch((x: unknown) => x)).toBe('signal first');

    const g = flags();
    const [ctx2, cancel2] = withCancel(background());
    const ac2 = new AbortController();
    const b = goThreadWith({ ctx: ctx2, signal: ac2.signal }, spinForever, g);
    await until(() => Atomics.load(g, 0) === 1);
    cancel2();
    ac2.abort('too late');
    expect(await b.catch((x: unknown) => x)).toBe(Canceled);
  });

  it('rejects at once and starts nothing for a context already done or a signal already aborted', async () => {
    const [ctx, cancel] = withCancel(background());
    cancel();
    expect(await goThreadWith({ ctx }, add, 1, 2).catch((x: unknown) => x)).toBe(Canceled);
    expect(await goThreadWith({ signal: AbortSignal.abort('no') }, add, 1, 2).catch((x: unknown) => x)).toBe('no');
    expect(runningThreads()).toBe(0);
  });

  it('drops a task its thread holds behind a blocking one, leaving that thread running', async () => {
    configureThreads({ threads: 1 });
    const before = (await goThread(where, 0)).slot;
    const f = flags();
    const [ctx, cancel] = withCancel(background());
    const blocker = goThread(block, f); // same burst: both are posted to the only thread in one batch
    const held = goThreadWith({ ctx }, mark, f, 2);
    await until(() => Atomics.load(f, 0) === 1);
    cancel();
    expect(await held.catch((x: unknown) => x)).toBe(Canceled);
    release(f);
    expect(await blocker).toBe(before);
    expect(Atomics.load(f, 2)).toBe(0);
    expect((await goThread(where, 0)).slot).toBe(before);
  });

  it('throws InvalidArgumentError at the call for bad options', () => {
    expect(() => goThreadWith(null as never, add, 1, 2)).toThrow(InvalidArgumentError);
    expect(() => goThreadWith(null as never, add, 1, 2)).toThrow('goThreadWith: options must be an object, got null');
    expect(() => goThreadWith({ timeout: 5 } as never, add, 1, 2)).toThrow('goThreadWith: unknown option "timeout"');
    expect(() => goThreadWith({ ctx: {} } as never, add, 1, 2)).toThrow('goThreadWith: ctx must be a Context, got ');
    expect(() => goThreadWith({ signal: {} } as never, add, 1, 2)).toThrow('goThreadWith: signal must be an AbortSignal, got ');
    expect(() => goThreadWith({}, (() => 1) as never)).toThrow('goThreadWith: fn must be a task');
    expect(runningThreads()).toBe(0);
  });
});
