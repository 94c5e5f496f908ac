/**
 * Many workers ranging over one channel (Go's TestMultiConsumer): every item is processed exactly once and the
 * results channel is closed only after every worker has finished.
 */
import { describe, expect, it } from 'vitest';
import { chan, go, synctest } from '../../../runtime/index.js';

describe('multiple consumers', () => {
  it('processes 271,828 items with 23 workers and loses none', async () => {
    const NWORK = 23;
    const NITER = 271_828;
    const pn = [2, 3, 7, 11, 13, 17, 19, 23, 27, 31];
    let n = 0;
    let sum = 0;
    let expected = 0;
    await synctest.run(async () => {
      const q = chan<number>(NWORK * 3);
      const r = chan<number>(NWORK * 3);
      const finished = chan<void>();
      for (let w = 0; w < NWORK; w++) {
        go(async () => {
          for await (const v of q) {
            // Yield now and then, to disturb the FIFO-ish order in which the workers take turns.
            if (pn[w % pn.length] === v) await null;
            await r.send(v);
          }
          await finished.send();
        });
      }
      go(async () => {
        for (let i = 0; i < NITER; i++) {
          const v = pn[i % pn.length]!;
          expected += v;
          await q.send(v);
        }
        q.close();
        for (let w = 0; w < NWORK; w++) await finished.recv();
        r.close();
      });
      for await (const v of r) {
        n++;
        sum += v;
      }
    });
    expect(n).toBe(NITER);
    expect(sum).toBe(expected);
  });
});
