/** Task modules for the scheduler specs: small tasks with observable behaviour. */
import { threadId } from 'node:worker_threads';
import { ChannelClosedError, SyncMisuseError } from '../../../../runtime/panics.js';
import { go } from '../../../../runtime/go.js';
import { goThread } from '../../../../runtime/threads/go-thread.js';
import { threadSlot } from '../../../../runtime/threads/slot.js';
import { task } from '../../../../runtime/threads/task.js';
import { sleep } from '../../../../runtime/time/sleep.js';

/** add returns a + b. */
export const add = task(import.meta.url, function add(a: number, b: number): number {
  return a + b;
});

/** where reports the thread it ran on, after `ms` of busy work. */
export const where = task(import.meta.url, function where(ms: number): { slot: number; threadId: number } {
  const end = performance.now() + ms;
  while (performance.now() < end);
  return { slot: threadSlot(), threadId };
});

let running = 0;
let peak = 0;

/** nap sleeps `ms` (parked, not computing) and reports how many naps ran at once on its thread at the peak. */
export const nap = task(import.meta.url, async function nap(ms: number): Promise<{ slot: number; peak: number }> {
  running++;
  peak = Math.max(peak, running);
  await sleep(ms);
  running--;
  return { slot: threadSlot(), peak };
});

/** QuotaError is a user error class with a code, thrown by fail('quota'). */
class QuotaError extends Error {
  override name = 'QuotaError';
  readonly code = 'E_QUOTA';
}

/** fail throws what `kind` names. */
export const fail = task(import.meta.url, async function fail(kind: string): Promise<never> {
  await sleep(1);
  switch (kind) {
    case 'closed':
      throw new ChannelClosedError();
    case 'sync':
      throw new SyncMisuseError('sync: negative WaitGroup counter', 'ERR_SYNC_NEGATIVE_WAITGROUP', true);
    case 'quota':
      throw new QuotaError('over quota', { cause: new TypeError('limit 3') });
    case 'type':
      throw new TypeError('not a number');
    default:
      throw kind;
  }
});

/** spawnPanic starts a plain goroutine on its worker that panics, then returns. */
export const spawnPanic = task(import.meta.url, function spawnPanic(): void {
  go(() => {
    throw new SyncMisuseError('sync: unlock of unlocked mutex', 'ERR_SYNC_UNLOCK_UNLOCKED', true);
  });
});

/** badResult returns a function, which cannot cross threads. */
export const badResult = task(import.meta.url, function badResult(): unknown {
  return function secret() {};
});

/** echo returns its argument (structured clone round trip). */
export const echo = task(import.meta.url, function echo<T>(v: T): T {
  return v;
});

/** forever never returns. */
export const forever = task(import.meta.url, function forever(): Promise<never> {
  return new Promise<never>(() => {
    setInterval(() => {}, 1 << 30);
  });
});

/** hello prints a line on its worker's stdout. */
export const hello = task(import.meta.url, function hello(who: string): void {
  console.log(`hello from a worker, ${who}`);
});

/** makeHidden makes a task that no export of this module carries, so the worker cannot find it. */
export function makeHidden(): () => number {
  return task(import.meta.url, function hidden(): number {
    return 1;
  });
}

/** nested starts a task from a worker goroutine and reports the slots of both (a task started on a worker stays there). */
export const nested = task(import.meta.url, async function nested(): Promise<[number, number]> {
  const inner = await goThread(where, 0);
  return [threadSlot(), inner.slot];
});

/** spinForever sets flags[0] to 1, then busy-loops forever: only terminating its worker stops it. */
export const spinForever = task(import.meta.url, function spinForever(flags: Int32Array): never {
  Atomics.store(flags, 0, 1);
  for (;;) {
    /* burn */
  }
});

/** mark sets flags[i] to 1 and returns its thread's slot. */
export const mark = task(import.meta.url, function mark(flags: Int32Array, i: number): number {
  Atomics.store(flags, i, 1);
  return threadSlot();
});

/** thrownValue builds the non-Error value named `kind` (the same on every thread), for throwValue. */
export function thrownValue(kind: string): unknown {
  switch (kind) {
    case 'object':
      return { code: 42, detail: 'why' };
    case 'string':
      return 'just a string';
    case 'number':
      return 7;
    case 'null':
      return null;
    case 'undefined':
      return undefined;
    case 'array':
      return [1, { a: [2, 'b'] }, null];
    case 'nested':
      return { code: 'E_NESTED', when: new Date(0), tags: new Set(['x']), by: new Map([['k', { n: 1n }]]) };
    case 'with a method':
      return { code: 3, retry() {}, list: [1, { deep: true }] };
    default:
      throw new Error(`thrownValue: unknown kind ${kind}`);
  }
}

/**
 * throwValue throws thrownValue(kind): from the task itself ('task'), from a goroutine it starts ('goroutine': a
 * panic on the worker), or from a timer callback, outside any goroutine ('uncaught': the worker dies).
 */
export const throwValue = task(import.meta.url, async function throwValue(kind: string, from: string): Promise<void> {
  const v = thrownValue(kind);
  await sleep(1);
  if (from === 'goroutine') {
    go(() => {
      throw v;
    });
    return;
  }
  if (from === 'uncaught') {
    setTimeout(() => {
      throw v;
    });
    await new Promise(() => {});
  }
  throw v;
});

/**
 * block sets flags[0] to 1, then blocks its whole thread (Atomics.wait, no event loop) until flags[1] is set, as a
 * long computation would; it returns its thread's slot.
 */
export const block = task(import.meta.url, function block(flags: Int32Array): number {
  Atomics.store(flags, 0, 1);
  while (Atomics.load(flags, 1) === 0) Atomics.wait(flags, 1, 0, 1000);
  return threadSlot();
});

/** release lets the block task waiting on `flags` return. */
export function release(flags: Int32Array): void {
  Atomics.store(flags, 1, 1);
  Atomics.notify(flags, 1);
}
