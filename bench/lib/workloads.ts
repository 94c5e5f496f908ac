/**
 * workloads: gocsp programs that more than one bench file measures, written the way the README teaches (goroutines
 * started with go(), `await send`, `await recv`, `for await`). Each returns the checksum of what it moved.
 */
import { chan } from '../../runtime/chan/local-chan.js';
import { go } from '../../runtime/go.js';
import { recvCase, select } from '../../runtime/select.js';

/** pingPong bounces 0..n-1 between two goroutines over two unbuffered channels (n round trips). */
export function pingPong(n: number): Promise<number> {
  const ping = chan<number>();
  const pong = chan<number>();
  const done = chan<number>(1);
  go(async () => {
    for (let i = 0; i < n; i++) await pong.send((await ping.recv())!);
  });
  go(async () => {
    let sum = 0;
    for (let i = 0; i < n; i++) {
      await ping.send(i);
      sum += (await pong.recv())!;
    }
    await done.send(sum);
  });
  return done.recv() as Promise<number>;
}

/** streamFor sends 0..n-1 through chan(cap) from a producer goroutine to a `for await` consumer. */
export async function streamFor(n: number, cap: number): Promise<number> {
  const ch = chan<number>(cap);
  go(async () => {
    for (let i = 0; i < n; i++) await ch.send(i);
    ch.close();
  });
  let sum = 0;
  for await (const v of ch) sum += v;
  return sum;
}

/**
 * uncontendedSelect is Go's SelectUncontended on one goroutine: one value bounces between two channels of capacity
 * 1, so exactly one of the two cases is ready on every pass (n passes of a select and a buffered send).
 */
export async function uncontendedSelect(n: number): Promise<number> {
  const c1 = chan<number>(1);
  const c2 = chan<number>(1);
  c1.trySend(0);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const to = await select([recvCase(c1, (v) => ((sum += v!), c2)), recvCase(c2, (v) => ((sum += v!), c1))]);
    await to.send(i + 1);
  }
  return sum;
}
