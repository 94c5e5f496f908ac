/**
 * Fairness (Go's TestSelectFairness and TestPseudoRandomSend): among ready cases a select picks uniformly at random,
 * whatever their position in the case list.
 */
import { describe, expect, it } from 'vitest';
import { chan, go, recvCase, select, sendCase, synctest } from '../../../runtime/index.js';

describe('select fairness', () => {
  it('chooses each of two always-ready channels 5000 ± 500 times in 10,000 selects', () => {
    const TRIALS = 10_000;
    const a = chan<number>(1);
    const b = chan<number>(1);
    a.trySend(1);
    b.trySend(2);
    const counts = [0, 0, 0];
    for (let i = 0; i < TRIALS; i++) {
      const v = select(
        [
          recvCase(a, (v) => {
            a.trySend(1);
            return v!;
          }),
          recvCase(b, (v) => {
            b.trySend(2);
            return v!;
          }),
        ],
        () => 0,
      );
      counts[v]!++;
    }
    // sigma = sqrt(10000 / 4) = 50: the bound is 10 sigma, as in Go's test.
    expect(counts[0]).toBe(0);
    expect(Math.abs(counts[1]! - 5000)).toBeLessThanOrEqual(500);
    expect(Math.abs(counts[2]! - 5000)).toBeLessThanOrEqual(500);
  });

  it('is fair in a parking select whose first cases are never ready (TestSelectFairness)', async () => {
    const TRIALS = 10_000;
    let cnt1 = 0;
    let cnt2 = 0;
    await synctest.run(async () => {
      const c1 = chan<number>(TRIALS + 1);
      const c2 = chan<number>(TRIALS + 1);
      for (let i = 0; i < TRIALS + 1; i++) {
        await c1.send(1);
        await c2.send(2);
      }
      const c3 = chan<number>();
      const c4 = chan<number>();
      const out = chan<number>();
      const done = chan<void>();
      go(async () => {
        for (;;) {
          const b = await select([
            recvCase(c3, (v) => v!),
            recvCase(c4, (v) => v!),
            recvCase(c1, (v) => v!),
            recvCase(c2, (v) => v!),
          ]);
          if ((await select([sendCase(out, b, () => true), recvCase(done, () => false)])) === false) return;
        }
      });
      for (let i = 0; i < TRIALS; i++) {
        const b = await out.recv();
        if (b === 1) cnt1++;
        else if (b === 2) cnt2++;
        else throw new Error(`unexpected value ${b}`);
      }
      done.close();
    });
    expect(cnt1 + cnt2).toBe(TRIALS);
    expect(Math.abs(cnt1 - cnt2)).toBeLessThanOrEqual(1000); // 10 sigma of the difference
  });

  it('spreads the choices over three ready cases, each about a third', () => {
    const TRIALS = 9_000;
    const chans = [chan<number>(1), chan<number>(1), chan<number>(1)];
    chans.forEach((c, i) => c.trySend(i));
    const counts = [0, 0, 0];
    for (let t = 0; t < TRIALS; t++) {
      const i = select(
        chans.map((c) =>
          recvCase(c, (v) => {
            c.trySend(v!);
            return v!;
          }),
        ),
        () => -1,
      );
      counts[i]!++;
    }
    // sigma = sqrt(9000 * 1/3 * 2/3) ≈ 44.7; bound 10 sigma.
    for (const n of counts) expect(Math.abs(n - 3000)).toBeLessThanOrEqual(450);
  });

  it.each([0, 100])('sends 0s and 1s pseudo-randomly from two send cases on one chan(%i)', async (capacity) => {
    const n = 100;
    const got: number[] = [];
    await synctest.run(async () => {
      const c = chan<number>(capacity);
      const finished = chan<void>();
      go(async () => {
        for (let i = 0; i < n; i++) {
          await null; // Go's Gosched
          got.push((await c.recv())!);
        }
        finished.close();
      });
      for (let i = 0; i < n; i++) await select([sendCase(c, 1), sendCase(c, 0)]);
      await finished.recv();
    });
    const ones = got.reduce((s, v) => s + v, 0);
    expect(ones).toBeGreaterThan(n / 10);
    expect(n - ones).toBeGreaterThan(n / 10);
  });
});
