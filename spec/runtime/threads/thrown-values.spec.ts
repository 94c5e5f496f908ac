/**
 * A value thrown by a task that is not an Error (`throw { code: 42, detail: 'why' }`, a string, null, an array...)
 * arrives on the main thread equal to what was thrown, as it would on one thread: as goThread's rejection, as the
 * panic of a go goroutine or of a goroutine started on the worker, and as the cause of the ThreadDiedError of a
 * worker it killed (runtime/threads/error-wire.ts).
 */
import { describe, expect, it } from 'vitest';
import { go, isThreadDiedError, ThreadDiedError, goThread } from '../../../runtime/index.js';
import { thrownValue, throwValue } from './tasks/basic.js';
import { collectPanics, until, useThreads } from './use-threads.js';

useThreads({ threads: 1 });

const CLONABLE = ['object', 'string', 'number', 'null', 'undefined', 'array', 'nested'];

describe('a thrown non-Error value crossing threads', () => {
  it.each(CLONABLE)('rejects goThread with the %s that was thrown, equal to it', async (kind) => {
    const got = await goThread(throwValue, kind, 'task').then(
      () => 'resolved',
      (e: unknown) => ({ e }),
    );
    expect(got).toEqual({ e: thrownValue(kind) });
  });

  it('keeps what clones of a thrown object with a method, and names the method', async () => {
    const got = await goThread(throwValue, 'with a method', 'task').catch((e: unknown) => e);
    expect(got).toEqual({ code: 3, retry: '[Function retry]', list: [1, { deep: true }] });
  });

  it('reports the panic of go(task) and of a goroutine started on the worker with the value thrown', async () => {
    const panics = collectPanics();
    go(throwValue, 'object', 'task');
    go(throwValue, 'array', 'goroutine');
    await until(() => panics.length === 2);
    const errors = panics.map((p) => p.error);
    expect(errors).toContainEqual({ code: 42, detail: 'why' });
    expect(errors).toContainEqual([1, { a: [2, 'b'] }, null]);
  });

  it('says what killed a worker, and keeps it as the cause, when a plain object is thrown outside goroutines', async () => {
    const e = await goThread(throwValue, 'object', 'uncaught').catch((err: unknown) => err);
    expect(isThreadDiedError(e)).toBe(true);
    expect(e).toBeInstanceOf(ThreadDiedError);
    expect((e as Error).message).toMatch(/^thread \d+ died: uncaught \{"code":42,"detail":"why"\}$/);
    expect((e as Error).cause).toEqual({ code: 42, detail: 'why' });
  });
});
