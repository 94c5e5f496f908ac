/**
 * sliding-window: SlidingWindowRateLimiter (at most 3 requests in any 200 ms, counted exactly, then approximately
 * with counters) and KeyedRateLimiter giving each client of an API its own token bucket, with idle clients evicted.
 *
 * It runs on virtual time (synctest.run): sleeps and waits take exactly as long as they say, whatever the machine's
 * speed or load, and the program takes no real time.
 * Run: npx tsx examples/patterns/sliding-window.ts
 */
import { main, nowMillis, sleep, synctest } from '../../runtime/index.js';
import { KeyedRateLimiter, SlidingWindowRateLimiter, TokenBucketRateLimiter } from '../../patterns/index.js';

main(() => synctest.run(async () => {
  // Exact: a log of admission times; any 200 ms holds at most 3 admissions.
  const window = new SlidingWindowRateLimiter({ windowSize: 200, maxRequests: 3 });
  console.log(`at 0 ms: ${[1, 2, 3, 4].map(() => window.tryRequest()).join(' ')}`);
  await sleep(100);
  console.log(`at 100 ms: ${window.tryRequest()} (${window.getRequestCount()} requests in the window)`);
  await sleep(150);
  console.log(`at 250 ms: batch of 3 ${window.tryRequestBatch(3)}, batch of 1 ${window.tryRequestBatch(1)}`);
  const t0 = nowMillis();
  await window.request(); // waits until the batch is 200 ms old
  console.log(`request() waited ${nowMillis() - t0} ms`);

  // Approximate: 11 counters (precision 10) instead of a log, whatever maxRequests is.
  const approx = new SlidingWindowRateLimiter({ windowSize: 60_000, maxRequests: 1000, mode: 'approximate' });
  console.log(`approximate: ${approx.tryRequestBatch(1000)} then ${approx.tryRequest()}, count ${approx.getRequestCount()}`);

  // One token bucket per client: 2 requests at once, 5 per second; clients idle for 100 ms are forgotten.
  const perClient = new KeyedRateLimiter<string, TokenBucketRateLimiter>({
    factory: () => new TokenBucketRateLimiter({ capacity: 2, refillRate: 5 }),
    idleTimeout: 100,
    onEvict: (client) => console.log(`evicted idle client ${client}`),
  });
  const handle = (client: string): string => `${client}:${perClient.get(client).tryAcquire() ? 200 : 429}`;
  console.log([handle('alice'), handle('alice'), handle('alice'), handle('bob')].join(' '));
  console.log(`clients tracked: ${perClient.size}`);
  await sleep(150);
  console.log(handle('carol'));
  console.log(`clients tracked: ${perClient.size}`);
}));

// Output:
// at 0 ms: true true true false
// at 100 ms: false (3 requests in the window)
// at 250 ms: batch of 3 true, batch of 1 false
// request() waited 200 ms
// approximate: true then false, count 1000
// alice:200 alice:200 alice:429 bob:200
// clients tracked: 2
// evicted idle client alice
// evicted idle client bob
// carol:200
// clients tracked: 1
