/** SharedMutex on one thread: the same behaviour and panics as Mutex (spec/runtime/sync/suites/mutex.ts). */
import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, SharedMutex, SharedOnce, fromWire, toWire } from '../../../../runtime/index.js';
import { caught } from '../../sync/helpers.js';
import { mutexSuite } from '../../sync/suites/mutex.js';

mutexSuite('SharedMutex on one thread', () => new SharedMutex());

describe('SharedMutex on one thread', () => {
  it('reports recovered as false after ordinary hand-offs', async () => {
    const mu = new SharedMutex();
    await mu.lock();
    const p = mu.lock();
    mu.unlock();
    await p;
    expect(mu.recovered).toBe(false);
    mu.unlock();
  });
});

describe('SharedMutex on the wire', () => {
  it('rebuilds to the same object on the same thread, bound to the same memory', async () => {
    const mu = new SharedMutex();
    const again = fromWire(toWire(mu)) as SharedMutex;
    expect(again).toBe(mu);
    await mu.lock();
    expect(again.tryLock()).toBe(false);
    again.unlock();
  });

  it('carries its buffer and the registry, and refuses a buffer that is not a mutex', () => {
    const w = toWire(new SharedMutex());
    expect(w['sab']).toBeInstanceOf(SharedArrayBuffer);
    expect(w['registry']).toBeInstanceOf(SharedArrayBuffer);
    for (const sab of [new SharedArrayBuffer(8), toWire(new SharedOnce())['sab'], undefined]) {
      const e = caught(() => fromWire({ ...w, sab }));
      expect(e).toBeInstanceOf(InvalidArgumentError);
      expect((e as Error).message).toMatch(/^SharedMutex: not the shared memory of a SharedMutex, got /);
    }
    expect(new SharedMutex().tryLock()).toBe(true); // a failed rebuild leaves nothing behind
  });
});
