/**
 * Worker deaths: a worker that dies (an uncaught throw outside goroutines, process.exit in a task, out of memory under
 * resourceLimits) is replaced, and every goroutine that was on it fails with ThreadDiedError: a panic for go, a
 * rejection for goThread. Nothing is silently lost, and the pool keeps serving.
 */
import { describe, expect, it } from 'vitest';
import {
  go,
  ThreadDiedError,
  isThreadDiedError,
  goThread,
  configureThreads,
  shutdownThreads,
} from '../../../runtime/index.js';
import { nextGoroutineId } from '../../../runtime/go.js';
import { onThreadExit } from '../../../runtime/shared/memory/exit-hooks.js';
import { runningThreads } from '../../../runtime/threads/threads-lifecycle.js';
import { add, forever } from './tasks/basic.js';
import { exitWith, hog, throwOutside } from './tasks/deaths.js';
import { collectPanics, until, useThreads } from './use-threads.js';

useThreads({ threads: 1 });

describe('a worker that dies', () => {
  it.each([
    ['an uncaught throw outside goroutines', {}, () => goThread(throwOutside), /^thread (\d+) died: uncaught RangeError: thrown outside goroutines$/],
    ['process.exit in a task', {}, () => goThread(exitWith, 7), /^thread (\d+) died: exited with code 7$/],
    [
      'running out of memory',
      { resourceLimits: { maxOldGenerationSizeMb: 48 } },
      () => goThread(hog),
      /^thread (\d+) died: out of memory \(.+\)$/,
    ],
  ])('fails its goroutines with ThreadDiedError when killed by %s, and is replaced', async (kind, options, kill, message) => {
    configureThreads({ threads: 1, ...options });
    const panics = collectPanics();
    const exits: [number, ThreadDiedError | null][] = [];
    const off = onThreadExit((slot, died) => exits.push([slot, died]));
    try {
      const first = nextGoroutineId() + 1;
      go(forever);
      go(forever);
      const outcomes = await Promise.allSettled([goThread(forever), goThread(forever), kill()]);

      for (const o of outcomes) {
        expect(o.status).toBe('rejected');
        const e = (o as PromiseRejectedResult).reason as ThreadDiedError;
        expect(e).toBeInstanceOf(ThreadDiedError);
        expect(isThreadDiedError(e)).toBe(true);
        expect(e.code).toBe('ERR_THREAD_DIED');
        expect(e.message).toMatch(message);
        expect(e.slot).toBe(Number(message.exec(e.message)![1]));
      }
      await until(() => panics.length === 2);
      expect(panics.map((p) => p.id).sort((a, b) => a - b)).toEqual([first, first + 1]);
      for (const p of panics) expect((p.error as Error).message).toMatch(message);
      if (kind.startsWith('an uncaught throw')) {
        // The report shows where the worker died, not scheduler internals.
        expect((panics[0]!.error as Error).stack).toMatch(/^ThreadDiedError: thread \d+ died: .*\n\s+at .*tasks\/deaths\.ts/);
      }

      expect(exits).toHaveLength(1);
      expect(exits[0]![1]!.message).toMatch(message);
      expect(await goThread(add, 1, 2)).toBe(3);
      expect(runningThreads()).toBe(1);
    } finally {
      off();
    }
  });

  it('fails the queued goroutines, instead of retrying forever, when no worker can start', async () => {
    configureThreads({ threads: 2, resourceLimits: { maxOldGenerationSizeMb: 1, maxYoungGenerationSizeMb: 1 } });
    const panics = collectPanics();
    go(add, 1, 1);
    const e = await goThread(add, 2, 2).catch((x: unknown) => x);
    expect(isThreadDiedError(e)).toBe(true);
    expect((e as Error).message).toMatch(/^thread \d+ died while starting: out of memory \(/);
    await until(() => panics.length === 1);
    expect(isThreadDiedError(panics[0]!.error)).toBe(true);
    expect(runningThreads()).toBe(0);
    await shutdownThreads();
    configureThreads({ threads: 1 });
    expect(await goThread(add, 2, 2)).toBe(4);
  });
});

describe('shutdownThreads', () => {
  it('rejects the goThread promises still pending and abandons go goroutines silently', async () => {
    const panics = collectPanics();
    go(forever);
    const pending = goThread(forever);
    expect(await goThread(add, 1, 1)).toBe(2);
    await shutdownThreads();
    const e = await pending.catch((x: unknown) => x);
    expect(isThreadDiedError(e)).toBe(true);
    expect((e as Error).message).toMatch(/^thread \d+ shut down$/);
    expect(panics).toEqual([]);
    expect(runningThreads()).toBe(0);
  });

  it('runs the exit hooks with null for each worker', async () => {
    configureThreads({ threads: 2 });
    const exits: [number, ThreadDiedError | null][] = [];
    const off = onThreadExit((slot, died) => exits.push([slot, died]));
    await goThread(add, 1, 1);
    await shutdownThreads();
    off();
    expect(exits).toHaveLength(2);
    expect(exits.every(([slot, died]) => slot > 0 && died === null)).toBe(true);
  });
});
