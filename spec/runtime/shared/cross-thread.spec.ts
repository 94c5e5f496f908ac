import { afterEach, describe, expect, it } from 'vitest';
import { ChannelClosedError, sharedChan } from '../../../runtime/index.js';
import { int32 } from '../../../runtime/shared/codecs/scalars.js';
import { STRESS } from '../../stress.js';
import { liveWorkers, onThread, terminateAll } from './thread-harness.js';

afterEach(async () => {
  await terminateAll();
  expect(liveWorkers()).toBe(0);
});

/** expected returns count, sum and xor of base_p + i for every producer p and i < n. */
function expected(bases: number[], n: number): { n: number; sum: number; xor: number } {
  let sum = 0;
  let xor = 0;
  for (const b of bases) for (let i = 0; i < n; i++) (sum += b + i), (xor ^= b + i);
  return { n: bases.length * n, sum, xor };
}

describe('shared channel across threads', () => {
  // npm run stress (GOCSP_STRESS > 1) runs every capacity at the full 250k values per producer.
  const full = STRESS > 1;
  for (const [cap, n] of [
    [1024, 250_000],
    [1, full ? 250_000 : 5_000],
    [0, full ? 250_000 : 2_000],
  ] as const) {
    it(`delivers every value exactly once: 4 producer threads x 4 consumer threads, cap ${cap}, ${n} values each`, async () => {
      const ch = sharedChan(int32, cap);
      const bases = [0, 1, 2, 3].map((p) => p * 10_000_000);
      const producers = bases.map((b) => onThread('produce', ch, b, n));
      const consumers = [0, 1, 2, 3].map(() => onThread('consume', ch));
      await Promise.all(producers.map((p) => p.result));
      ch.close();
      const got = await Promise.all(consumers.map((c) => c.result));
      const total = got.reduce((a, g) => ({ n: a.n + g.n, sum: a.sum + g.sum, xor: a.xor ^ g.xor }), { n: 0, sum: 0, xor: 0 });
      expect(total).toEqual(expected(bases, n));
    }, 600_000);
  }

  it('is a true rendezvous when unbuffered: a send completes only once a receiver took the value', async () => {
    const ch = sharedChan(int32, 0);
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const sender = onThread('sendOnce', ch, 7, flags);
    while (Atomics.load(flags, 0) === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 100));
    expect(Atomics.load(flags, 1)).toBe(0); // nobody received: the send is still parked
    expect(await ch.recv()).toBe(7);
    expect(await sender.result).toBe('sent');
    expect(Atomics.load(flags, 1)).toBe(1);
  });

  for (const cap of [0, 2]) {
    it(`wakes receivers and senders parked on other threads when the channel is closed (cap ${cap})`, async () => {
      const rc = sharedChan(int32, cap);
      const sc = sharedChan(int32, cap);
      for (let i = 0; i < cap; i++) expect(sc.trySend(100 + i)).toBe(true); // full: the sender will park
      const f1 = new Int32Array(new SharedArrayBuffer(8));
      const f2 = new Int32Array(new SharedArrayBuffer(8));
      const receiver = onThread('recvOnce', rc, f1);
      const sender = onThread('sendOnce', sc, 1, f2);
      while (Atomics.load(f1, 0) === 0 || Atomics.load(f2, 0) === 0) await new Promise((r) => setTimeout(r, 5));
      await new Promise((r) => setTimeout(r, 50));
      rc.close();
      sc.close();
      expect(await receiver.result).toEqual({ value: undefined, ok: false });
      expect(await sender.result).toBe(`ChannelClosedError: ${new ChannelClosedError().message}`);
      // What was buffered before the close is still received, then the close.
      for (let i = 0; i < cap; i++) expect(sc.tryRecv()).toEqual({ value: 100 + i, ok: true });
      expect(sc.tryRecv()).toEqual({ value: undefined, ok: false });
    });
  }

  for (const cap of [0, 1, 4]) {
    it(`delivers exactly once when selects on several threads race over four channels (doubleselect, cap ${cap})`, async () => {
      const outs = [0, 1, 2, 3].map(() => sharedChan(int32, cap));
      const quit = sharedChan(int32, 0);
      const n = 1_000;
      const senders = [0, 1].map((p) => onThread('selectSend', outs, p * 1_000_000, n));
      const receivers = [0, 1, 2].map(() => onThread('selectRecv', outs, quit));
      await Promise.all(senders.map((s) => s.result));
      quit.close();
      const seen = (await Promise.all(receivers.map((r) => r.result))).flat();
      // Buffered: what the receivers left in the buffers when quit closed.
      for (const o of outs) for (let r = o.tryRecv(); r !== undefined; r = o.tryRecv()) seen.push(r.value!);
      seen.sort((a, b) => a - b);
      const want = [0, 1].flatMap((p) => Array.from({ length: n }, (_, i) => p * 1_000_000 + i));
      expect(seen).toEqual(want);
    }, 60_000);
  }

  it('stays usable after a thread died holding its lock', async () => {
    const ch = sharedChan(int32, 4);
    const killer = onThread('holdLockAndDie', ch);
    expect(await killer.exited).toBe(0);
    expect(ch.trySend(5)).toBe(true);
    expect(await ch.recv()).toBe(5);
  });

  it('stays usable after a thread died between claiming a buffered slot and publishing it', async () => {
    const ch = sharedChan(int32, 3);
    expect(ch.trySend(1)).toBe(true);
    const killer = onThread('claimAndDie', ch);
    expect(await killer.exited).toBe(0);
    expect(ch.trySend(3)).toBe(true); // full now: 1, the dead sender's position, 3
    expect(ch.len()).toBe(3);
    expect(await ch.recv()).toBe(1);
    // The receive parks behind the dead position; its re-check recovers it and takes the value after it.
    expect(await ch.recv()).toBe(3);
    expect(ch.trySend(4)).toBe(true);
    expect(ch.trySend(5)).toBe(true);
    expect([await ch.recv(), await ch.recv()]).toEqual([4, 5]);
  });
});
