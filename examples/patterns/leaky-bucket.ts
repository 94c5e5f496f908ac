/**
 * leaky-bucket: the seed's smooth processing with LeakyBucketRateLimiter: a bucket of 50 requests leaking 5 per
 * 100 ms, that is one every 20 ms whatever the producers do. A producer enqueues 10 requests at once; a consumer
 * goroutine ranges over `output` and handles them one by one at the leak pace. Then a small bucket shows
 * backpressure (tryEnqueue refuses when full), the pull API (dequeue) and shutdown (stop returns what never left).
 *
 * It runs on virtual time (synctest.run): the leak pace printed is exact whatever the machine's speed or load, and
 * the program takes no real time.
 * Run: npx tsx examples/patterns/leaky-bucket.ts
 */
import { go, main, nowMillis, recv, sleep, synctest } from '../../runtime/index.js';
import { LeakyBucketRateLimiter } from '../../patterns/index.js';

interface Request {
  readonly id: number;
}

main(() => synctest.run(async () => {
  // Leaky bucket for smooth processing (the seed's usage block)
  const leakyBucket = new LeakyBucketRateLimiter<Request>({
    capacity: 50,
    leakRate: 5,
    leakInterval: 100,
  });

  const handled: number[] = [];
  let first = 0;
  let last = 0;
  go(async () => {
    for await (const request of leakyBucket.output) {
      if (handled.length === 0) first = nowMillis();
      last = nowMillis();
      handled.push(request.id);
    }
  });

  for (let id = 1; id <= 10; id++) {
    const request: Request = { id };
    await leakyBucket.enqueue(request);
  }
  console.log(`accepted 10 requests, full: ${leakyBucket.isFull()}`);
  leakyBucket.close(); // no more requests: the rest leak at the same pace, then output closes
  await recv(leakyBucket.done());
  console.log(`handled in order: ${handled.join(' ')}`);
  console.log(`the last left ${last - first} ms after the first (9 x 20 ms)`);

  // Backpressure, the pull API and shutdown, with a bucket of 2 leaking one item a second.
  const small = new LeakyBucketRateLimiter<string>({ capacity: 2, leakRate: 1, leakInterval: 1000 });
  console.log(['a', 'b'].map((x) => `${x}:${small.tryEnqueue(x)}`).join(' '));
  await sleep(10); // the bucket's goroutine has let 'a' leak: it waits for a taker, and 'a' left the bucket
  console.log(['c', 'd'].map((x) => `${x}:${small.tryEnqueue(x)}`).join(' '));
  console.log(`capacity ${small.getCapacity()}, queued ${small.getQueueLength()}, full ${small.isFull()}`);
  console.log(`dequeue: ${small.dequeue()}, then ${small.dequeue()} (the next leaks in a second)`);
  console.log(`stopped with ${(await small.stop()).join(', ')} still inside`);
}));

// Output:
// accepted 10 requests, full: false
// handled in order: 1 2 3 4 5 6 7 8 9 10
// the last left 180 ms after the first (9 x 20 ms)
// a:true b:true
// c:true d:false
// capacity 2, queued 2, full true
// dequeue: a, then undefined (the next leaks in a second)
// stopped with b, c still inside
