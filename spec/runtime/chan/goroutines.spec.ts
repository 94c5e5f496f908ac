/**
 * Many goroutines threaded together (Go's test/chan/goroutines.go): each receives from its right neighbour and sends
 * to its left one, and a single value crosses the whole chain.
 */
import { describe, expect, it } from 'vitest';
import { chan, go, synctest, type Chan, type RecvChan, type SendChan } from '../../../runtime/index.js';

async function relay(left: SendChan<number>, right: RecvChan<number>): Promise<void> {
  await left.send((await right.recv())! + 1);
}

function chain(n: number, capacity: number): { leftmost: Chan<number>; rightmost: Chan<number> } {
  const leftmost = chan<number>(capacity);
  let left = leftmost;
  for (let i = 0; i < n; i++) {
    const right = chan<number>(capacity);
    go(relay, left, right);
    left = right;
  }
  return { leftmost, rightmost: left };
}

describe('goroutine relay', () => {
  it('passes a value through 10,000 goroutines and tears them all down', async () => {
    let got: number | undefined;
    await synctest.run(async () => {
      const { leftmost, rightmost } = chain(10_000, 0);
      go((c: SendChan<number>) => c.send(1), rightmost);
      got = await leftmost.recv();
    });
    expect(got).toBe(10_001);
  });

  it('works the same with buffered links, and with the goroutines all parked before the value arrives', async () => {
    let got: number | undefined;
    await synctest.run(async () => {
      const { leftmost, rightmost } = chain(10_000, 1);
      await synctest.wait(); // all 10,000 relays are parked on their receive
      await rightmost.send(0);
      got = await leftmost.recv();
    });
    expect(got).toBe(10_000);
  });
});
