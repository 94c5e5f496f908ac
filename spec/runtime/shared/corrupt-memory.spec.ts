/**
 * Synchronous operations on shared memory that does not make sense end with SharedMemoryError, never in an endless loop
 * (runtime/shared/channels/ring.ts, lock.ts, spin-limit.ts): a ring whose words contradict each other is reported at
 * once; memory that keeps changing, or a lock a live thread keeps, after SPIN_LIMIT_MS.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  DecodeError,
  isSharedMemoryError,
  SharedMemoryError,
  codec,
  sharedChan,
  toWire,
} from '../../../runtime/index.js';
import { geometry, HEAD, LOCK, TAIL } from '../../../runtime/shared/channels/layout.js';
import { ownerToken } from '../../../runtime/shared/memory/registry.js';
import { slotStride } from '../../../runtime/shared/channels/ring.js';
import { SharedChan } from '../../../runtime/shared/channels/shared-chan.js';
import { SPIN_LIMIT_MS, spinCheck } from '../../../runtime/shared/memory/spin-limit.js';
import { flags, liveWorkers, onThread, terminateAll, until } from './thread-harness.js';

afterEach(async () => {
  vi.restoreAllMocks();
  await terminateAll();
  expect(liveWorkers()).toBe(0);
});

const wordsOf = (ch: SharedChan<unknown>): Int32Array => new Int32Array(toWire(ch)['sab'] as SharedArrayBuffer);
/** seqWord is the word index of the SEQ word of ring slot `i` of a channel of capacity `cap` with 4-byte values. */
const seqWord = (cap: number, i: number): number => (geometry(cap, 4).ringOffset + i * slotStride(4)) / 4;

/** failure runs `f` and returns what it threw (failing the test if it returned). */
function failure(f: () => unknown): Error {
  try {
    f();
  } catch (e) {
    return e as Error;
  }
  return expect.unreachable('no error');
}

describe('a buffered shared channel over corrupted memory', () => {
  it('reports a slot overwritten by a wider codec instead of spinning (an int32 channel written as bigint64)', () => {
    const ch = sharedChan(codec.int32, 4);
    // A peer bound without fromWire's checks: its 8-byte values run over the next slot's SEQ word.
    const wider = new SharedChan<bigint>(toWire(ch)['sab'] as SharedArrayBuffer, codec.bigint64);
    expect(wider.trySend(100n << 32n)).toBe(true);
    expect(ch.tryRecv()).toEqual({ value: 0, ok: true });
    const e = failure(() => ch.tryRecv());
    expect(e).toBeInstanceOf(SharedMemoryError);
    expect(e.message).toBe(
      "shared channel: ring corrupted (slot of position 1 holds SEQ 100): something other than its codec wrote into the channel's memory",
    );
    expect(isSharedMemoryError(e)).toBe(true);
  });

  it('reports a HEAD or TAIL outside the ring, and keeps len within [0, cap]', () => {
    const ch = sharedChan(codec.int32, 3);
    const w = wordsOf(ch);
    w[HEAD] = -5;
    expect(failure(() => ch.tryRecv()).message).toMatch(/^shared channel: ring corrupted \(HEAD holds position -5, outside \[0, \d+\)\)/);
    expect(ch.len()).toBeGreaterThanOrEqual(0);
    expect(ch.len()).toBeLessThanOrEqual(3);
    w[HEAD] = 0;
    w[TAIL] = -7;
    expect(failure(() => ch.trySend(1)).message).toMatch(/^shared channel: ring corrupted \(TAIL holds position -7, outside \[0, \d+\)\)/);
    w[TAIL] = 0;
    expect(ch.trySend(1)).toBe(true);
    expect(ch.tryRecv()).toEqual({ value: 1, ok: true });
  });

  it('reports a slot marked skipped for another position', () => {
    const ch = sharedChan(codec.int32, 2);
    wordsOf(ch)[seqWord(2, 0)] = (2 * 9 + 1) | (1 << 30);
    expect(failure(() => ch.tryRecv())).toBeInstanceOf(SharedMemoryError);
  });

  it('fails a receive parked on the ring once the ring turns out corrupted, rather than throwing into the parker', async () => {
    const ch = sharedChan(codec.int32, 2);
    const got = ch.recv().then(
      () => 'received',
      (e: unknown) => e,
    );
    await new Promise((r) => setImmediate(r));
    const w = wordsOf(ch);
    w[HEAD] = -1;
    expect(ch.trySend(5)).toBe(true); // wakes the receiver, whose re-poll finds the ring corrupted
    const e = await got;
    expect(e).toBeInstanceOf(SharedMemoryError);
    expect((e as Error).message).toMatch(/HEAD holds position -1/);
  });

  it('fails a receive parked on the ring whose value does not decode, instead of leaving it parked', async () => {
    const refusing = {
      ...codec.int32,
      kind: 'refusing',
      wire: { kind: 'refusing' },
      decode(): number {
        throw new DecodeError('refusing', 'never decodes');
      },
      decodeAt(): number {
        throw new DecodeError('refusing', 'never decodes');
      },
    };
    const ch = sharedChan(refusing, 1);
    const got = ch.recv().then(
      () => 'received',
      (e: unknown) => e,
    );
    await new Promise((r) => setImmediate(r));
    expect(ch.trySend(5)).toBe(true);
    const e = await got;
    expect(e).toBeInstanceOf(DecodeError);
    expect((e as Error).message).toBe('refusing codec: cannot decode the slot (never decodes)');
  });

  it('ends within SPIN_LIMIT_MS with SharedMemoryError while another thread keeps rewriting the ring', async () => {
    const cap = 4;
    const ch = sharedChan(codec.int32, cap);
    const w = wordsOf(ch);
    // Slots 1 and 2 hold SEQ values ahead of their positions, and HEAD flips between 1 and 2: every round of a receive
    // sees a stale slot, and a HEAD that may have moved.
    w[seqWord(cap, 1)] = 1001;
    w[seqWord(cap, 2)] = 1001;
    const f = flags(2);
    const t = onThread('alternate', toWire(ch)['sab'] as SharedArrayBuffer, [HEAD], [1], [2], f);
    await until(() => Atomics.load(f, 1) === 1);
    for (let i = 0; i < 3; i++) expect(isSharedMemoryError(failure(() => ch.tryRecv()))).toBe(true);
    Atomics.store(f, 0, 1);
    expect(await t.result).toBe('stopped');
  }, 60_000);
});

describe('a shared lock that is never released', () => {
  it('reports at once a lock word holding the caller\'s own token', () => {
    const ch = sharedChan(codec.int32, 0);
    const w = wordsOf(ch);
    w[LOCK] = ownerToken();
    const e = failure(() => ch.trySend(1));
    expect(e).toBeInstanceOf(SharedMemoryError);
    expect(e.message).toBe(
      "shared lock: held by this very thread: something other than gocsp wrote into the object's memory",
    );
    w[LOCK] = 0;
    expect(ch.trySend(1)).toBe(false); // no receiver: the channel works again
  });

  it('gives up after SPIN_LIMIT_MS on a lock that a live thread keeps', async () => {
    const ch = sharedChan(codec.int32, 0);
    const f = flags(2);
    const t = onThread('holdLockWord', toWire(ch)['sab'] as SharedArrayBuffer, f);
    await until(() => Atomics.load(f, 1) === 1);
    const e = failure(() => ch.trySend(1));
    expect(e).toBeInstanceOf(SharedMemoryError);
    expect(e.message).toMatch(
      new RegExp(`^shared lock: held by thread \\d+, which made no progress for ${SPIN_LIMIT_MS} ms: shared memory corrupted or overwritten$`),
    );
    Atomics.store(f, 0, 1);
    Atomics.notify(f, 0);
    expect(await t.result).toBe('released');
    expect(ch.trySend(1)).toBe(false);
  }, 60_000);
});

describe('spinCheck', () => {
  it('starts the clock at its first look and throws once SPIN_LIMIT_MS have passed since', () => {
    let now = 1000;
    vi.spyOn(performance, 'now').mockImplementation(() => now);
    const start = spinCheck(0, 'a test loop');
    expect(start).toBe(1000);
    now += SPIN_LIMIT_MS;
    expect(spinCheck(start, 'a test loop')).toBe(start);
    now += 1;
    const e = failure(() => spinCheck(start, 'a test loop'));
    expect(e).toBeInstanceOf(SharedMemoryError);
    expect(e.message).toBe(`a test loop made no progress for ${SPIN_LIMIT_MS} ms: shared memory corrupted or overwritten`);
    expect((e as SharedMemoryError).code).toBe('ERR_SHARED_MEMORY');
  });
});
