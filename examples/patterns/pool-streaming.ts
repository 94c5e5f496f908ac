/**
 * pool-streaming: a pool as p-queue, p-map and piscina users drive it. 20,000 jobs streamed with backpressure
 * (enqueue resolves when a job is queued, not when it has run, so nothing is held per finished job) and onIdle; a
 * progress channel followed by a goroutine (no polling); map over a generator, in input order, stopping at the first
 * error as p-map does; priorities with pause and resume.
 *
 * Run: npx tsx examples/patterns/pool-streaming.ts
 */
import { go, main, sleep } from '../../runtime/index.js';
import { FixedWorkerPool, type PoolProgress } from '../../patterns/index.js';

main(async () => {
  // 1. Streaming: 20,000 jobs through a queue of 64, four at a time.
  let total = 0;
  const pool = new FixedWorkerPool<number, void>(4, {
    worker: async (n) => {
      await null; // some asynchronous work
      total += n;
    },
    queueSize: 64,
  });
  let last: PoolProgress | undefined;
  const progress = pool.progress();
  const watcher = go(async () => {
    for await (const p of progress) last = p; // the newest snapshot; ends after stop
  });
  let deepest = 0;
  for (let i = 1; i <= 20_000; i++) {
    await pool.enqueue(i); // waits while 64 jobs are queued
    deepest = Math.max(deepest, pool.getQueueLength());
  }
  await pool.onIdle();
  console.log(`sum ${total}, queue never above 64: ${deepest <= 64}`);
  await pool.stop();
  await watcher;
  console.log(`progress at the end: submitted ${last?.submitted}, completed ${last?.completed}, idle ${last?.idle}`);

  // 2. map: outputs in input order from a lazy generator, at most 8 inputs taken ahead.
  const squares = new FixedWorkerPool<number, number>(3, {
    worker: async (n) => {
      await sleep((7 - n) % 3); // finish out of order
      if (n === 13) throw new RangeError('13 is unlucky');
      return n * n;
    },
  });
  function* upTo(n: number): Generator<number> {
    for (let i = 1; i <= n; i++) yield i;
  }
  const firsts: number[] = [];
  for await (const sq of squares.map(upTo(6), { concurrency: 8 })) firsts.push(sq);
  console.log(`map, ordered: ${firsts.join(' ')}`);
  const out = squares.map(upTo(100)); // stopOnError (default): the first failure ends the map
  try {
    for await (const _ of out);
  } catch (e) {
    console.log(`map stopped at: ${(e as Error).message}`);
  }
  await squares.onIdle(); // the inputs given up have ended too
  await squares.stop();

  // 3. Priorities, pause and resume: jobs queued while paused run by priority, FIFO within one.
  const order: string[] = [];
  const urgent = new FixedWorkerPool<string, void>(1, { worker: (s) => void order.push(s), priorities: true });
  urgent.pause();
  const jobs = [
    urgent.submit('low', { priority: -1 }),
    urgent.submit('normal-1'),
    urgent.submit('high', { priority: 10 }),
    urgent.submit('normal-2'),
  ];
  console.log(`paused with ${urgent.getQueueLength()} queued`);
  urgent.resume();
  await Promise.all(jobs);
  console.log(`ran: ${order.join(', ')}`);
  await urgent.stop();
});

// Output:
// sum 200010000, queue never above 64: true
// progress at the end: submitted 20000, completed 20000, idle true
// map, ordered: 1 4 9 16 25 36
// map stopped at: 13 is unlucky
// paused with 4 queued
// ran: high, normal-1, normal-2, low
