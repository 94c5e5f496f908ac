/**
 * WaitLine never spins, whatever its gate and the clock say: when the head's timer fired and the gate still asks for
 * time, the event loop turns before the head looks again.
 */
import { describe, expect, it } from 'vitest';
import { background, synctest, nanotime, sleep } from '../../../runtime/index.js';
import { WaitLine } from '../../../patterns/rate-limiters/wait-line.js';

describe('WaitLine', () => {
  it("lets Node's timers run while its gate keeps asking for 1 ns more on the real clock", async () => {
    // A fresh 1 ns timer on the real clock is usually due by the time select polls it: without the turn of the
    // event loop, this line would loop in microtasks. Bounded, so that such a loop fails instead of hanging.
    let flag = false;
    setTimeout(() => (flag = true), 1);
    let calls = 0;
    let grantedWith: boolean | null = null;
    const line = new WaitLine({
      take: () => {
        calls++;
        if (flag || calls >= 1_000_000) {
          grantedWith = flag;
          return 0;
        }
        return 1e-6;
      },
    });
    line.kick(); // nobody in line: nothing happens
    await line.wait(1, background());
    expect(grantedWith).toBe(true);
    expect(line.size).toBe(0);
    expect(line.demand).toBe(0);
  });

  it('waits on virtual time exactly what the gate asks, however small, and asks it again only then', () =>
    synctest.run(async () => {
      await sleep(1000 / 11); // an odd instant: 90909091 ns
      for (const d of [1, 33, 90_909_091]) {
        const t0 = nanotime();
        const seen: number[] = [];
        const line = new WaitLine({
          take: () => {
            const t = nanotime();
            seen.push(t - t0);
            return Math.max(0, t0 + d - t) / 1e6;
          },
        });
        await line.wait(1, background());
        expect(seen).toEqual([0, d]);
      }
    }));
});
