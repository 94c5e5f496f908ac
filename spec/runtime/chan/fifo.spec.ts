/**
 * Channels are pure FIFOs (Go's test/chan/fifo.go): a buffered channel returns values in the order sent, and an
 * unbuffered one hands values to a daisy chain of goroutines, each woken by its predecessor, in the order sent.
 */
import { describe, expect, it } from 'vitest';
import { chan, go, synctest, type RecvChan, type SendChan } from '../../../runtime/index.js';
import { rng } from '../../prng.js';

const N = 1000;

/** link waits for its turn on `turn`, receives one value from `ch`, checks it, and passes the turn on. */
async function link(
  ch: RecvChan<number>,
  want: number,
  turn: RecvChan<void>,
  next: SendChan<void>,
  bad: number[],
): Promise<void> {
  await turn.recv();
  const v = await ch.recv();
  if (v !== want) bad.push(want);
  await next.send();
}

describe('fifo', () => {
  it('returns the values of a buffered channel in the order they were sent', async () => {
    const c = chan<number>(N);
    for (let i = 0; i < N; i++) await c.send(i);
    for (let i = 0; i < N; i++) expect(await c.recv()).toBe(i);
  });

  it.each([0, 1, 7])('keeps the order through a daisy chain of %i-buffered goroutines', async (capacity) => {
    const bad: number[] = [];
    await synctest.run(async () => {
      const ch = chan<number>(capacity);
      const start = chan<void>();
      let turn: RecvChan<void> = start;
      for (let i = 0; i < N; i++) {
        const next = chan<void>();
        go(link, ch, i, turn, next, bad);
        turn = next;
      }
      await start.send();
      for (let i = 0; i < N; i++) await ch.send(i);
      await turn.recv();
    });
    expect(bad).toEqual([]);
  });

  it('keeps each sender’s order when many senders interleave at random', async () => {
    const rand = rng(0xf1f0);
    const P = 8;
    const L = 500;
    await synctest.run(async () => {
      const c = chan<[number, number]>(3);
      for (let p = 0; p < P; p++) {
        go(async () => {
          for (let i = 0; i < L; i++) {
            await c.send([p, i]);
            // Yield a random number of microtasks so the senders interleave differently, replayably.
            for (let k = Math.floor(rand() * 3); k > 0; k--) await null;
          }
        });
      }
      const last = new Array<number>(P).fill(-1);
      for (let n = 0; n < P * L; n++) {
        const [p, i] = (await c.recv())!;
        expect(i).toBe(last[p]! + 1);
        last[p] = i;
      }
    });
  });
});
