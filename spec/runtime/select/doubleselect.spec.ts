/**
 * Exactly-once delivery (after Go's test/chan/doubleselect.go): a select that offers one value on four channels
 * must complete exactly one of the sends. Four forwarders and several receivers check that every value arrives once.
 */
import { describe, expect, it } from 'vitest';
import { chan, go, select, sendCase, synctest, type RecvChan, type SendChan } from '../../../runtime/index.js';

async function sender(n: number, outs: readonly SendChan<number>[]): Promise<void> {
  for (let i = 0; i < n; i++) await select(outs.map((c) => sendCase(c, i)));
  for (const c of outs) c.close();
}

async function mux(out: SendChan<number>, src: RecvChan<number>, done: SendChan<void>): Promise<void> {
  for await (const v of src) await out.send(v);
  await done.send();
}

describe('doubleselect', () => {
  it.each([0, 1])('delivers each of 100,000 values once via a 4-way select send (chan(%i))', async (capacity) => {
    const N = 100_000;
    const seen = new Uint8Array(N);
    await synctest.run(async () => {
      const cs = [0, 1, 2, 3].map(() => chan<number>(capacity));
      const cmux = chan<number>();
      const muxDone = chan<void>();
      go(sender, N, cs);
      for (const c of cs) go(mux, cmux, c, muxDone);
      go(async () => {
        for (let i = 0; i < cs.length; i++) await muxDone.recv();
        cmux.close();
      });
      const receivers = 3;
      const recvDone = chan<void>();
      for (let r = 0; r < receivers; r++) {
        go(async () => {
          for await (const v of cmux) seen[v]!++;
          await recvDone.send();
        });
      }
      for (let r = 0; r < receivers; r++) await recvDone.recv();
    });
    let dup = -1;
    let missing = -1;
    for (let i = 0; i < N && dup < 0 && missing < 0; i++) {
      if (seen[i]! > 1) dup = i;
      if (seen[i] === 0) missing = i;
    }
    expect({ dup, missing }).toEqual({ dup: -1, missing: -1 });
  });
});
