/**
 * timeout-select: wait for a result or give up, with select over a result channel and after(); then a ticker
 * with a deadline, and a non-blocking receive with a default case.
 * Run: npx tsx examples/timeout-select.ts
 */
import { after, chan, go, main, newTicker, recvCase, select, sleep } from '../runtime/index.js';

/** fetchQuote simulates a slow call that delivers its answer on a channel after `ms`. */
function fetchQuote(ms: number): ReturnType<typeof chan<string>> {
  const out = chan<string>(1); // buffered: the goroutine never leaks if nobody reads
  go(async () => {
    await sleep(ms);
    await out.send(`quote after ${ms} ms`);
  });
  return out;
}

main(async () => {
  for (const [ms, timeout] of [
    [10, 1000],
    [1000, 50],
  ] as const) {
    const res = await select([
      recvCase(fetchQuote(ms), (q) => `got ${q}`),
      recvCase(after(timeout), () => `timed out after ${timeout} ms`),
    ]);
    console.log(res);
  }

  const ticker = newTicker(20);
  const t0 = Date.now();
  for (let i = 1; i <= 3; i++) {
    await ticker.c.recv();
    console.log(`tick ${i}`);
  }
  ticker.stop();
  console.log(`three ticks took at least 60 ms: ${Date.now() - t0 >= 59}`);

  const empty = chan<number>();
  console.log(select([recvCase(empty, (v) => `received ${v}`)], () => 'no value ready: default case'));
});

// Output:
// got quote after 10 ms
// timed out after 50 ms
// tick 1
// tick 2
// tick 3
// three ticks took at least 60 ms: true
// no value ready: default case
