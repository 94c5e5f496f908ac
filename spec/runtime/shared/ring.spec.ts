/**
 * The lock-free ring under buffered shared channels (runtime/shared/channels/ring.ts), driven directly: full and empty
 * at the edges of every capacity (1 included, where whole-step sequence numbers would confuse the two), positions
 * wrapping many times, close with values still buffered or a send still writing, and len. Across threads:
 * cross-thread.spec.ts (4 x 4 threads, exactly once).
 */
import { describe, expect, it } from 'vitest';
import {
  MAX_RING_CAP,
  RECORD_WORDS,
  Ring,
  RING_CLOSED,
  RING_EMPTY,
  RING_FULL,
  slotStride,
} from '../../../runtime/shared/channels/ring.js';
import { MAX_THREADS, ownerToken } from '../../../runtime/shared/memory/registry.js';
import { sharedChan, isInvalidArgumentError } from '../../../runtime/index.js';
import { int32 } from '../../../runtime/shared/codecs/scalars.js';
import { rng } from '../../prng.js';

const TAIL = 0;
const HEAD = 16;
const CLOSED = 8;
const RECORDS = 32;
const OFFSET = (RECORDS + MAX_THREADS * RECORD_WORDS) * 4;

interface R {
  r: Ring;
  dv: DataView;
  sab: SharedArrayBuffer;
}

/** ring makes a ring of int32 values with `cap` slots, its positions wrapping at `limit`, used as thread 0. */
function ring(cap: number, limit?: number): R {
  const sab = new SharedArrayBuffer(OFFSET + cap * slotStride(4));
  const layout = { tail: TAIL, head: HEAD, closed: CLOSED, records: RECORDS, ringOffset: OFFSET, cap, slotBytes: 4, ...(limit ? { limit } : {}) };
  const r = new Ring(new Int32Array(sab), layout, 0, ownerToken(), true);
  return { r, dv: new DataView(sab), sab };
}

/** DEAD_SLOT is a registry slot no thread has: its owner token is never alive. */
const DEAD_SLOT = 37;
const DEAD_TOKEN = (5 << 7) | (DEAD_SLOT + 1);

/** asDeadThread is the same ring as used by a thread that has died (its owner token is not alive). */
function asDeadThread(x: R, cap: number): R {
  const layout = { tail: TAIL, head: HEAD, closed: CLOSED, records: RECORDS, ringOffset: OFFSET, cap, slotBytes: 4 };
  return { ...x, r: new Ring(new Int32Array(x.sab), layout, DEAD_SLOT, DEAD_TOKEN, false) };
}

function push(x: R, v: number): number {
  const p = x.r.reservePush();
  if (p < 0) return p;
  x.dv.setInt32(x.r.valueOffset(p), v, true);
  x.r.publishPush(p);
  return p;
}

function pop(x: R): number | 'empty' | 'closed' {
  const h = x.r.reservePop();
  if (h === RING_EMPTY) return 'empty';
  if (h === RING_CLOSED) return 'closed';
  const v = x.dv.getInt32(x.r.valueOffset(h), true);
  x.r.releasePop(h);
  return v;
}

describe('Ring', () => {
  for (const cap of [1, 2, 3, 7, 8]) {
    it(`is full after ${cap} sends and empty after as many receives, lap after lap (cap ${cap})`, () => {
      const x = ring(cap, cap * 4); // wraps every 4 laps
      let next = 0;
      let expected = 0;
      for (let lap = 0; lap < 50; lap++) {
        expect(x.r.canPush()).toBe(true);
        for (let i = 0; i < cap; i++) expect(push(x, next++)).toBeGreaterThanOrEqual(0);
        expect(x.r.length).toBe(cap);
        expect(x.r.canPush()).toBe(false);
        expect(x.r.reservePush()).toBe(RING_FULL);
        expect(x.r.canPop()).toBe(true);
        for (let i = 0; i < cap; i++) expect(pop(x)).toBe(expected++);
        expect(x.r.length).toBe(0);
        expect(x.r.canPop()).toBe(false);
        expect(pop(x)).toBe('empty');
      }
    });
  }

  it('keeps FIFO order and len through random interleavings across position wrap-around (seeded)', () => {
    for (const seed of [1, 2, 3]) {
      const rand = rng(seed);
      const cap = 5;
      const x = ring(cap, cap * 2);
      let sent = 0;
      let received = 0;
      for (let step = 0; step < 20_000; step++) {
        if (rand() < 0.5) {
          const p = push(x, sent);
          if (sent - received === cap) expect(p).toBe(RING_FULL);
          else sent++;
        } else {
          const v = pop(x);
          if (sent === received) expect(v).toBe('empty');
          else expect(v).toBe(received++);
        }
        expect(x.r.length).toBe(sent - received);
      }
    }
  });

  it('is drained before it reports closed, and refuses sends once closed', () => {
    const x = ring(3);
    push(x, 10);
    push(x, 11);
    expect(x.r.close()).toBe(true);
    expect(x.r.close()).toBe(false);
    expect(x.r.closed).toBe(true);
    expect(x.r.reservePush()).toBe(RING_CLOSED);
    expect(pop(x)).toBe(10);
    expect(pop(x)).toBe(11);
    expect(pop(x)).toBe('closed');
    expect(x.r.length).toBe(0);
  });

  it('delivers a send that claimed its position before the close, and only then reports closed', () => {
    const x = ring(2);
    const p = x.r.reservePush(); // a sender on another thread, still writing
    expect(x.r.close()).toBe(true);
    expect(pop(x)).toBe('empty'); // not closed: a value is still coming
    x.dv.setInt32(x.r.valueOffset(p), 42, true);
    x.r.publishPush(p);
    expect(pop(x)).toBe(42);
    expect(pop(x)).toBe('closed');
  });

  it('reports full, not closed, while the channel is open and full, and closed once closed even if full', () => {
    const x = ring(1);
    push(x, 1);
    expect(x.r.reservePush()).toBe(RING_FULL);
    x.r.close();
    expect(x.r.reservePush()).toBe(RING_CLOSED);
  });
});

describe('Ring.skipPush (a value that could not be written after its claim)', () => {
  it('moves TAIL back when no later position was claimed: no trace', () => {
    const x = ring(2);
    push(x, 1);
    const p = x.r.reservePush();
    x.r.skipPush(p);
    expect(x.r.length).toBe(1);
    expect(push(x, 2)).toBe(p); // the same position again
    expect([pop(x), pop(x), pop(x)]).toEqual([1, 2, 'empty']);
  });

  it('publishes the position as skipped when another sender claimed a later one: receivers step over it', () => {
    const x = ring(4);
    const p = x.r.reservePush();
    push(x, 7); // another sender, after p
    x.r.skipPush(p);
    expect(x.r.length).toBe(2); // counted until a receiver steps over it
    expect([pop(x), pop(x)]).toEqual([7, 'empty']);
    expect(x.r.length).toBe(0);
  });
});

describe('Ring after a thread died holding a position', () => {
  it('steps over a send that its dead sender claimed and never published; the values after it come through', () => {
    const x = ring(4);
    push(x, 1);
    const dead = asDeadThread(x, 4);
    expect(dead.r.reservePush()).toBeGreaterThanOrEqual(0); // claimed, then the thread died
    push(x, 3);
    expect(pop(x)).toBe(1);
    expect(pop(x)).toBe('empty'); // stuck behind the dead sender's position
    expect(x.r.length).toBe(2);
    expect(x.r.recover()).toBe(true);
    expect(pop(x)).toBe(3);
    expect(pop(x)).toBe('empty');
    expect(x.r.recover()).toBe(false); // nothing left to recover
    for (let i = 0; i < 20; i++) {
      // and the ring goes on, lap after lap
      expect(push(x, i)).toBeGreaterThanOrEqual(0);
      expect(pop(x)).toBe(i);
    }
  });

  it('frees the slot of a receive its dead receiver claimed and never released', () => {
    const x = ring(2);
    push(x, 1);
    push(x, 2);
    const dead = asDeadThread(x, 2);
    expect(dead.r.reservePop()).toBeGreaterThanOrEqual(0); // took value 1, then died
    expect(pop(x)).toBe(2);
    expect(push(x, 3)).toBe(RING_FULL); // the next position's slot is the one the dead receiver still holds
    expect(x.r.recover()).toBe(true);
    expect(push(x, 3)).toBeGreaterThanOrEqual(0);
    expect(push(x, 4)).toBeGreaterThanOrEqual(0);
    expect(pop(x)).toBe(3);
    expect(pop(x)).toBe(4);
  });

  it('recovers a dead thread record when a new thread takes its registry slot and opens the channel', () => {
    const x = ring(2);
    const dead = asDeadThread(x, 2);
    expect(dead.r.reservePush()).toBeGreaterThanOrEqual(0);
    push(x, 7);
    asDeadThread(x, 2); // the slot's next thread builds its ring: it finishes the record first
    expect(pop(x)).toBe(7);
  });

  it('leaves the positions of live threads alone', () => {
    const x = ring(2);
    expect(x.r.reservePush()).toBeGreaterThanOrEqual(0); // this (live) thread is still writing
    expect(x.r.recover()).toBe(false);
    expect(pop(x)).toBe('empty');
  });
});

describe('sharedChan capacity', () => {
  it('refuses a capacity the ring cannot number, with a named error', () => {
    let err: unknown;
    try {
      sharedChan(int32, MAX_RING_CAP + 1);
    } catch (e) {
      err = e;
    }
    expect(isInvalidArgumentError(err)).toBe(true);
    expect((err as Error).message).toBe(`sharedChan: capacity must be at most ${MAX_RING_CAP} (got ${MAX_RING_CAP + 1})`);
  });
});
