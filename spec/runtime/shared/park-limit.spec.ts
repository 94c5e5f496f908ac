/**
 * How many operations one thread can park on shared channels: Go has no such limit, so a parked operation costs
 * memory, not a slot, and whatever bound remains refuses an operation without leaving a trace in any structure.
 */
import { describe, expect, it } from 'vitest';
import { recvCase, select, sendCase } from '../../../runtime/index.js';
import { int32 } from '../../../runtime/shared/codecs/scalars.js';
import { sharedChan } from '../../../runtime/shared/shared-chan.js';

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
});
