/**
 * How many operations one thread can park on shared channels: Go has no such limit, so a parked operation costs
 * memory, not a slot, and whatever bound remains refuses an operation without leaving a trace in any structure.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  chan,
  isTooManyParkedError,
  recvCase,
  select,
  sendCase,
  TooManyParkedError,
  sharedChan,
  SharedMutex,
} from '../../../runtime/index.js';
import { arenaStats } from '../../../runtime/shared/memory/arena.js';
import { int32 } from '../../../runtime/shared/codecs/scalars.js';
import { string } from '../../../runtime/shared/codecs/string.js';
import { limitParked, MAX_PARKED_PER_THREAD, ticketsInUse } from '../../../runtime/shared/channels/ticket.js';
import { expectRejection } from '../../rejection.js';

/** PAST_OLD_LIMIT is more operations than one thread could park before (16384 tickets per thread). */
const PAST_OLD_LIMIT = 20_000;

describe('operations parked on shared channels', () => {
  it('parks more plain receives than 16384 on one thread, and each gets its value in order', async () => {
    const ch = sharedChan(int32);
    const rs = Array.from({ length: PAST_OLD_LIMIT }, () => ch.recv());
    for (let i = 0; i < PAST_OLD_LIMIT; i++) await ch.send(i);
    expect(await Promise.all(rs)).toEqual(Array.from({ length: PAST_OLD_LIMIT }, (_, i) => i));
    expect(ch.tryRecv()).toBeUndefined();
  });

  it('parks more sends than 16384 on one thread, and each value is received once, in order', async () => {
    const ch = sharedChan(int32);
    const ss = Array.from({ length: PAST_OLD_LIMIT }, (_, i) => ch.send(i));
    const got: number[] = [];
    for (let i = 0; i < PAST_OLD_LIMIT; i++) got.push((await ch.recv())!);
    await Promise.all(ss);
    expect(got).toEqual(Array.from({ length: PAST_OLD_LIMIT }, (_, i) => i));
    expect(ch.trySend(0)).toBe(false);
  });

  it('parks more selects than 16384 on one thread, and every sent value reaches exactly one of them', async () => {
    const ch = sharedChan(int32);
    const other = sharedChan(int32);
    const ss = Array.from({ length: PAST_OLD_LIMIT }, () =>
      select([recvCase(ch, (v) => v), sendCase(other, -1, () => -1)]),
    );
    for (let i = 0; i < PAST_OLD_LIMIT; i++) await ch.send(i);
    const got = (await Promise.all(ss)).sort((a, b) => a! - b!);
    expect(got).toEqual(Array.from({ length: PAST_OLD_LIMIT }, (_, i) => i));
    expect(ch.trySend(0)).toBe(false); // no select left behind to take it
    expect(other.tryRecv()).toBeUndefined();
  });

  it('parks more lock() calls than 16384 on a shared mutex (shared sync objects have no such bound)', async () => {
    const mu = new SharedMutex();
    await mu.lock();
    const order: number[] = [];
    const ls = Array.from({ length: PAST_OLD_LIMIT }, (_, i) =>
      mu.lock().then(() => {
        order.push(i);
        mu.unlock();
      }),
    );
    mu.unlock();
    await Promise.all(ls);
    expect(order).toEqual(Array.from({ length: PAST_OLD_LIMIT }, (_, i) => i));
  });
});

/** LIMIT is the lowered limit the refusal tests run at: the refusal is the same code whatever the limit. */
const LIMIT = 5;
const REFUSED = `gocsp: more than ${LIMIT} operations parked on shared channels in one thread`;
const upTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

describe('an operation refused at the limit of parked operations', () => {
  let restore: () => void = () => {};
  beforeEach(() => {
    expect(ticketsInUse()).toBe(0);
    restore = limitParked(LIMIT);
  });
  afterEach(() => {
    restore();
    expect(ticketsInUse()).toBe(0); // every ticket given back: none held by a refused operation
  });

  it('is about 24 million per thread otherwise, far past the 16384 it was', () => {
    expect(MAX_PARKED_PER_THREAD).toBeGreaterThan(24_000_000);
  });

  it('refuses a receive with TooManyParkedError, and the parked receives still get every value, in order', async () => {
    const ch = sharedChan(int32);
    const rs = upTo(LIMIT).map(() => ch.recv()); // at the limit: all park
    await expectRejection(() => ch.recv(), TooManyParkedError, REFUSED);
    await expectRejection(() => ch.recvOk(), TooManyParkedError, REFUSED);
    await expectRejection(() => ch[Symbol.asyncIterator]().next(), TooManyParkedError, REFUSED);
    const e = await ch.recv().catch((err: unknown) => err);
    expect(isTooManyParkedError(e)).toBe(true);
    expect((e as TooManyParkedError).code).toBe('ERR_TOO_MANY_PARKED');
    for (const i of upTo(LIMIT)) await ch.send(i);
    expect(await Promise.all(rs)).toEqual(upTo(LIMIT));
    // Room again, and nobody left behind to take a value.
    const again = ch.recv();
    await ch.send(42);
    expect(await again).toBe(42);
    expect(ch.trySend(1)).toBe(false);
  });

  it('refuses a send, whose value is never received, and the parked sends deliver theirs in order', async () => {
    const ch = sharedChan(int32);
    const ss = upTo(LIMIT).map((i) => ch.send(i));
    await expectRejection(() => ch.send(99), TooManyParkedError, REFUSED);
    const got: number[] = [];
    for (const _ of upTo(LIMIT)) got.push((await ch.recv())!);
    await Promise.all(ss);
    expect(got).toEqual(upTo(LIMIT));
    expect(ch.tryRecv()).toBeUndefined(); // 99 went nowhere
  });

  it('refuses a send of a value stored out of line without keeping its memory', async () => {
    const ch = sharedChan(string({ maxBytes: 8 }));
    const long = (i: number): string => `${i}`.repeat(100);
    const ss = upTo(LIMIT).map((i) => ch.send(long(i)));
    const live = arenaStats().live;
    await expectRejection(() => ch.send(long(99)), TooManyParkedError, REFUSED);
    expect(arenaStats().live).toBe(live);
    for (const i of upTo(LIMIT)) expect(await ch.recv()).toBe(long(i));
    await Promise.all(ss);
    expect(ch.tryRecv()).toBeUndefined();
  });

  it('refuses a select, which leaves no case registered on any channel, and the parked selects get every value', async () => {
    const ch = sharedChan(int32);
    const ss = upTo(LIMIT).map(() => select([recvCase(ch, (v) => v)]));
    for (let k = 0; k < 20; k++) {
      // Local and shared cases in every registration order: the local one registered first is undone too.
      const local = chan<number>();
      await expectRejection(
        () => select([recvCase(local, (v) => v), recvCase(ch, (v) => v), sendCase(local, 7, () => 7)]),
        TooManyParkedError,
        REFUSED,
      );
      expect(local.trySend(1)).toBe(false);
      expect(local.tryRecv()).toBeUndefined();
    }
    for (const i of upTo(LIMIT)) await ch.send(i);
    expect((await Promise.all(ss)).sort()).toEqual(upTo(LIMIT));
    expect(ch.trySend(0)).toBe(false); // no refused select left to take it
  });

  it('refuses a select with a send case whose value is stored out of line without keeping its memory', async () => {
    const ch = sharedChan(string({ maxBytes: 8 }));
    const full = sharedChan(int32);
    const parked = upTo(LIMIT).map(() => full.recv());
    const live = arenaStats().live;
    await expectRejection(() => select([sendCase(ch, 'x'.repeat(100))]), TooManyParkedError, REFUSED);
    expect(arenaStats().live).toBe(live);
    expect(ch.tryRecv()).toBeUndefined();
    for (const i of upTo(LIMIT)) await full.send(i);
    expect(await Promise.all(parked)).toEqual(upTo(LIMIT));
  });
});
