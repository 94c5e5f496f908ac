/**
 * token-bucket: the seed's API rate limiting with TokenBucketRateLimiter: a bucket of 100 tokens refilled at 10 per
 * second. 103 requests arrive at once: the first 100 pass on the burst, the last 3 wait for tokens, in order, one
 * every 100 ms. Then the bucket as a Policy that refuses instead of waiting (maxWait: 0).
 *
 * It runs on virtual time (synctest.run): the clock jumps to the next token as soon as every goroutine waits, so the
 * waits printed are exact whatever the machine's speed or load, and the program takes no real time.
 * Run: npx tsx examples/patterns/token-bucket.ts
 */
import { main, nowMillis, synctest } from '../../runtime/index.js';
import { isRateLimitedError, TokenBucketRateLimiter } from '../../patterns/index.js';

main(() => synctest.run(async () => {
  // Token bucket for API rate limiting (the seed's usage block)
  const rateLimiter = new TokenBucketRateLimiter({
    capacity: 100,
    refillRate: 10,
    refillInterval: 1000,
    enableBurst: true,
  });

  const t0 = nowMillis();
  let atOnce = 0;
  const waiting: Promise<void>[] = [];
  for (let i = 1; i <= 103; i++) {
    if (rateLimiter.tryAcquire(1)) {
      atOnce++; // process the request
    } else {
      // wait for a token: acquire joins the line at once, and the line is served in order
      waiting.push(
        rateLimiter.acquire(1).then(() => console.log(`request ${i} got a token after ${nowMillis() - t0} ms`)),
      );
    }
  }
  console.log(`${atOnce} requests passed on the burst, ${waiting.length} wait`);
  console.log(`tokens left: ${Math.floor(rateLimiter.getAvailableTokens())}`);
  console.log(`a newcomer asking for 2 tokens now would wait ${rateLimiter.getRefillTime(2)} ms (3 + 2 tokens)`);
  await Promise.all(waiting);

  // The same bucket as a Policy that refuses at once when it is empty.
  const strict = new TokenBucketRateLimiter({ capacity: 2, refillRate: 1, maxWait: 0 });
  console.log(strict.tryAcquireBatch([1, 2, 1]).join(' '));
  try {
    await strict.execute(() => 'called');
  } catch (e) {
    if (isRateLimitedError(e)) console.log(`refused: retry after ${e.retryAfter} ms`);
  }
}));

// Output:
// 100 requests passed on the burst, 3 wait
// tokens left: 0
// a newcomer asking for 2 tokens now would wait 500 ms (3 + 2 tokens)
// request 101 got a token after 100 ms
// request 102 got a token after 200 ms
// request 103 got a token after 300 ms
// true false true
// refused: retry after 1000 ms
