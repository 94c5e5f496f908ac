/**
 * The scheduler: task goroutines on worker threads, their results and panics, placement, and the argument check at
 * the call.
 */
import { describe, expect, it } from 'vitest';
import {
  chan,
  ChannelClosedError,
  InvalidArgumentError,
  SyncMisuseError,
  isInvalidArgumentError,
  go,
  Mutex,
  goThread,
  configureThreads,
  task,
} from '../../../runtime/index.js';
import { nextGoroutineId } from '../../../runtime/go.js';
import { runningThreads } from '../../../runtime/threads/threads-lifecycle.js';
import { double } from './tasks/js-task.mjs';
import { add, badResult, echo, fail, makeHidden, nap, nested, spawnPanic, where } from './tasks/basic.js';
import { bump, SharedCounter } from './tasks/shared.js';
import { collectPanics, until, useThreads } from './use-threads.js';
import { expectRejection } from '../../rejection.js';

useThreads({ threads: 2 });

describe('task', () => {
  it('returns the function unchanged, callable on the current thread', () => {
    expect(add(2, 3)).toBe(5);
    expect(Object.keys(add)).toEqual([]);
    expect(runningThreads()).toBe(0);
  });
});

describe('goThread', () => {
  it('starts no worker before the first task goroutine, then the configured number', async () => {
    expect(runningThreads()).toBe(0);
    expect(() => go(add, (() => 1) as never, 2)).toThrow(InvalidArgumentError);
    expect(runningThreads()).toBe(0);
    expect(await goThread(add, 40, 2)).toBe(42);
    expect(runningThreads()).toBe(2);
  });

  it('resolves with the result of a task written in JavaScript', async () => {
    const r = await goThread(double, 21);
    expect(r.value).toBe(42);
    expect(r.threadId).not.toBe(0);
  });

  it('round-trips structured-clonable arguments and results', async () => {
    const v = { n: 1, s: 'x', big: 2n, d: new Date(0), m: new Map([[1, [2]]]), set: new Set(['a']), u8: new Uint8Array([1, 2]) };
    expect(await goThread(echo, v)).toEqual(v);
  });

  it('rebuilds shared objects in arguments and results, at any depth', async () => {
    const a = new SharedCounter();
    const b = new SharedCounter();
    const r = await goThread(bump, { list: [a, b] }, 5);
    expect(r.isCounter).toBe(true);
    expect([a.value, b.value]).toEqual([5, 5]);
    expect(r.first).toBeInstanceOf(SharedCounter);
    Atomics.add(r.first.words, 0, 1);
    expect(a.value).toBe(6);
  });

  it('rejects with the task error rebuilt with its class, code, message and stack', async () => {
    const closed = await goThread(fail, 'closed').catch((e: unknown) => e);
    expect(closed).toBeInstanceOf(ChannelClosedError);
    expect(closed).toMatchObject({ name: 'ChannelClosedError', code: 'ERR_SEND_ON_CLOSED_CHANNEL', message: 'send on closed channel' });
    expect((closed as Error).stack).toMatch(/tasks\/basic\.ts/);

    const sync = await goThread(fail, 'sync').catch((e: unknown) => e);
    expect(sync).toBeInstanceOf(SyncMisuseError);
    expect(sync).toMatchObject({ code: 'ERR_SYNC_NEGATIVE_WAITGROUP', fatal: true, message: 'sync: negative WaitGroup counter' });

    const quota = (await goThread(fail, 'quota').catch((e: unknown) => e)) as Error & { code: string };
    expect(quota).toBeInstanceOf(Error);
    expect([quota.name, quota.code, quota.message]).toEqual(['QuotaError', 'E_QUOTA', 'over quota']);
    expect(quota.cause).toBeInstanceOf(TypeError);
    expect((quota.cause as Error).message).toBe('limit 3');

    expect(await goThread(fail, 'type').catch((e: unknown) => e)).toBeInstanceOf(TypeError);
    expect(await goThread(fail, 'just a string').catch((e: unknown) => e)).toBe('just a string');
  });

  it('rejects when the result cannot cross threads', async () => {
    await expect(goThread(badResult)).rejects.toThrow(
      'goThread: the result of task badResult is a function (secret), which cannot cross threads; pass data or shared objects instead',
    );
  });

  it('rejects when the worker cannot find the task among its module exports', async () => {
    const e = await goThread(makeHidden()).catch((x: unknown) => x);
    expect(isInvalidArgumentError(e)).toBe(true);
    expect((e as Error).message).toMatch(/^go: file:.*tasks\/basic\.ts exports no task hidden \(/);
  });

  it('runs a task started by a worker goroutine on that same worker', async () => {
    const [outer, inner] = await goThread(nested);
    expect(outer).toBeGreaterThan(0);
    expect(inner).toBe(outer);
  });

  it('rejects (never throws) for a function that is not a task', async () => {
    await expectRejection(
      () => goThread((() => 1) as never),
      InvalidArgumentError,
      'goThread: fn must be a task (made with task(import.meta.url, fn)), got function (anonymous)',
    );
  });
});

describe('arguments that cannot cross threads', () => {
  function helper(): void {}
  it.each([
    ['a closure', () => go(add, helper as never, 1), 'go: argument 0 is a function (helper), which cannot cross threads; pass data or shared objects instead'],
    ['a local channel', () => go(add, 1, chan<number>() as never), 'go: argument 1 is a local channel, which cannot cross threads; create a shared channel (sharedChan) to pass it to another thread'],
    ['a nested local sync object', () => go(echo, { opts: { locks: [new Mutex()] } }), 'go: argument 0.opts.locks[0] is an instance of Mutex, which cannot cross threads; pass data or shared objects instead'],
  ])('refuses %s at the call, naming the argument', (_, call, message) => {
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(message);
    expect(runningThreads()).toBe(0);
  });

  it('refuses them in goThread by a rejection (it returns a promise), naming the argument', async () => {
    await expectRejection(
      () => goThread(add, Symbol('k') as never, 1),
      InvalidArgumentError,
      'goThread: argument 0 is a symbol (Symbol(k)), which cannot cross threads',
    );
    await expectRejection(
      () => goThread(echo, { cb: helper } as never),
      InvalidArgumentError,
      /^goThread: argument 0\.cb is a function \(helper\), which cannot cross threads/,
    );
    expect(runningThreads()).toBe(0);
  });

  it('turns a DataCloneError from postMessage into InvalidArgumentError', async () => {
    const e = await goThread(echo, new Proxy({}, {})).catch((x: unknown) => x);
    expect(isInvalidArgumentError(e)).toBe(true);
    expect((e as Error).message).toBe('goThread: the arguments of task echo cannot cross threads: #<Object> could not be cloned.');
    expect(await goThread(add, 1, 1)).toBe(2);
  });
});

describe('go with a task', () => {
  it('reports a panic with its class, code, message, stack and goroutine id', async () => {
    const panics = collectPanics();
    const id = nextGoroutineId() + 1;
    go(fail, 'closed');
    await until(() => panics.length === 1);
    const { error, id: gid } = panics[0]!;
    expect(gid).toBe(id);
    expect(error).toBeInstanceOf(ChannelClosedError);
    expect(error).toMatchObject({ code: 'ERR_SEND_ON_CLOSED_CHANNEL', message: 'send on closed channel' });
    expect((error as Error).stack).toMatch(/^ChannelClosedError: send on closed channel\n\s+at /);
    expect((error as Error).stack).toMatch(/tasks\/basic\.ts/);
  });

  it('reports the panic of a goroutine the task started on its worker', async () => {
    const panics = collectPanics();
    go(spawnPanic);
    await until(() => panics.length === 1);
    expect(panics[0]!.error).toBeInstanceOf(SyncMisuseError);
    expect(panics[0]!.error).toMatchObject({ message: 'sync: unlock of unlocked mutex', fatal: true });
  });

  it('runs fire-and-forget: a successful task reports nothing', async () => {
    const panics = collectPanics();
    for (let i = 0; i < 50; i++) go(add, i, i);
    expect(await goThread(add, 1, 1)).toBe(2);
    await new Promise((r) => setTimeout(r, 20));
    expect(panics).toEqual([]);
  });
});

describe('placement', () => {
  it('runs many goroutines at once on each worker', async () => {
    await warm();
    const t0 = performance.now();
    const rs = await Promise.all(Array.from({ length: 400 }, () => goThread(nap, 100)));
    const ms = performance.now() - t0;
    const peaks = new Map<number, number>();
    for (const r of rs) peaks.set(r.slot, Math.max(peaks.get(r.slot) ?? 0, r.peak));
    expect(peaks.size).toBe(2);
    for (const p of peaks.values()) expect(p).toBeGreaterThanOrEqual(64);
    // 400 naps of 100 ms, run serially, would take 40 s.
    expect(ms).toBeLessThan(3000);
  });

  it('spreads computing goroutines over both workers', async () => {
    await warm();
    const rs = await Promise.all(Array.from({ length: 40 }, () => goThread(where, 10)));
    const counts = new Map<number, number>();
    for (const r of rs) counts.set(r.slot, (counts.get(r.slot) ?? 0) + 1);
    expect(counts.size).toBe(2);
    for (const n of counts.values()) expect(n).toBeGreaterThanOrEqual(10);
  });

  it('lets an idle worker drain the queue while the other computes', async () => {
    await warm();
    const long = goThread(where, 400);
    await new Promise((r) => setTimeout(r, 50));
    const short = await Promise.all(Array.from({ length: 20 }, () => goThread(where, 5)));
    const busy = (await long).slot;
    const elsewhere = short.filter((r) => r.slot !== busy).length;
    expect(elsewhere).toBe(20);
  });
});

/** warm returns once both workers have run a goroutine (so both are up and asking). */
async function warm(): Promise<void> {
  for (let i = 0; i < 20; i++) {
    const rs = await Promise.all([goThread(where, 20), goThread(where, 20)]);
    if (rs[0].slot !== rs[1].slot) return;
  }
  throw new Error('warm: the two workers never both ran');
}

describe('task marker', () => {
  it('refuses a bad module URL, an anonymous function, or a second module', () => {
    expect(() => task('not a url', function f() {})).toThrow('task: moduleUrl must be a module URL (import.meta.url), got "not a url"');
    expect(() => task(import.meta.url, (() => () => 1)())).toThrow('task: fn must be a named function (the worker finds it by its name)');
    expect(() => task('file:///elsewhere.ts', add)).toThrow(/^task: add is already a task of file:.*basic\.ts$/);
    expect(task(add[Symbol.for('gocsp.task') as never] ? (add as never as { [k: symbol]: { url: string } })[Symbol.for('gocsp.task')]!.url : '', add)).toBe(add);
  });

  it.each([
    'data:text/javascript,export const run = () => process.exit(3)',
    'http://example.com/tasks.js',
    'node:fs',
    'blob:nodedata:1234',
  ])('refuses %s: only a file of the program can hold tasks (a data: URL would run a string of code)', (url) => {
    expect(() => task(url, function run() {})).toThrow(InvalidArgumentError);
    expect(() => task(url, function run() {})).toThrow(
      `task: moduleUrl must be the file: URL of a module of the program (import.meta.url), got ${JSON.stringify(url)}`,
    );
  });

  it('refuses, on the worker, a task whose marker was set by hand to a data: URL', async () => {
    function forged(): number {
      return 1;
    }
    Object.defineProperty(forged, Symbol.for('gocsp.task'), {
      value: { url: 'data:text/javascript,export const x = 1', name: 'forged' },
    });
    const e = await goThread(forged).catch((err: unknown) => err);
    expect(e).toBeInstanceOf(InvalidArgumentError);
    expect((e as Error).message).toBe(
      'go: moduleUrl must be the file: URL of a module of the program (import.meta.url), got "data:text/javascript,export const x = 1"',
    );
  });
});

describe('configureThreads', () => {
  it.each([
    [{ threads: 0 }, 'configureThreads: threads must be an integer from 1 to 63, got 0'],
    [{ threads: 1.5 }, 'configureThreads: threads must be an integer from 1 to 63, got 1.5'],
    // 64 threads at once in a program (the registry's slots), the main thread included: 63 workers at most.
    [{ threads: 64 }, 'configureThreads: threads must be an integer from 1 to 63, got 64'],
    [{ thread: 2 }, 'configureThreads: unknown option "thread" (known: "threads", "goroutinesPerThread", "resourceLimits", "workerEntry")'],
    [{ goroutinesPerThread: 0 }, 'configureThreads: goroutinesPerThread must be an integer >= 1 or Infinity, got 0'],
    [{ resourceLimits: { maxOldGenerationSizeMb: 'big' } }, 'configureThreads: resourceLimits.maxOldGenerationSizeMb must be a positive number, got "big"'],
    [{ resourceLimits: { heapMb: 1 } }, 'configureThreads: resourceLimits.heapMb is not a Worker resource limit'],
    [{ workerEntry: 'data:text/javascript,1' }, 'configureThreads: workerEntry must be a file: URL or a path, got "data:text/javascript,1"'],
    [{ workerEntry: new URL('https://example.com/app.mjs') }, 'configureThreads: workerEntry must be a file: URL or a path, got '],
    [{ workerEntry: 42 }, 'configureThreads: workerEntry must be a file: URL or a path, got 42'],
  ])('refuses %o, naming the option and the value', (options, message) => {
    expect(() => configureThreads(options as never)).toThrow(message);
  });

  it('refuses to change the configuration while threads run', async () => {
    await goThread(add, 1, 1);
    expect(() => configureThreads({ threads: 1 })).toThrow('configureThreads: threads are running; call shutdownThreads() first');
  });

  it('caps the goroutines running at once on a worker with goroutinesPerThread', async () => {
    configureThreads({ threads: 1, goroutinesPerThread: 3 });
    const rs = await Promise.all(Array.from({ length: 12 }, () => goThread(nap, 20)));
    expect(Math.max(...rs.map((r) => r.peak))).toBe(3);
  });
});
