/**
 * rate-limit-fleet: one rate limit for a whole fleet. Three worker processes share one token bucket in Redis
 * (RedisTokenBucketRateLimiter: 5 tokens, 10 per second), each with three goroutines that acquire 4 tokens each; the
 * bucket's state and clock are Redis's, so the fleet as a whole gets a burst of 5 and then 10 per second, however
 * many processes ask. The parent gathers the server's timestamps of every grant and checks the fleet-wide bound.
 *
 * Needs Redis: GOCSP_REDIS_URL, default redis://127.0.0.1:6379 (see README.md here for starting one).
 * Run: npx tsx examples/distributed/rate-limit-fleet.ts
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { go, main, WaitGroup } from '../../runtime/index.js';
import { RedisTokenBucketRateLimiter } from '../../patterns/redis/index.js';

const URL = process.env.GOCSP_REDIS_URL ?? 'redis://127.0.0.1:6379';
const LIMIT = { capacity: 5, refillRate: 10 }; // per second, for the whole fleet
const PROCESSES = 3;
const GOROUTINES = 3;
const EACH = 4;

/** worker is one process of the fleet: its goroutines wait for tokens, and it prints the server times of its grants. */
async function worker(prefix: string): Promise<void> {
  // Fail fast rather than queue commands while disconnected: the limiter then reports RedisUnavailableError at once.
  const redis = new Redis(URL, { enableOfflineQueue: false, maxRetriesPerRequest: 0 });
  await new Promise((ready) => redis.once('ready', ready));
  const grants: number[] = [];
  const limiter = new RedisTokenBucketRateLimiter(redis, { prefix, ...LIMIT, onGrant: (_, at) => grants.push(at) });
  const wg = new WaitGroup();
  for (let g = 0; g < GOROUTINES; g++) {
    wg.add(1);
    go(async () => {
      for (let i = 0; i < EACH; i++) await limiter.acquire(); // waits in this process's FIFO line
      wg.done();
    });
  }
  await wg.wait();
  console.log(JSON.stringify(grants));
  redis.disconnect();
}

/** run starts this file again as a worker process and resolves to the grant times it printed. */
function run(prefix: string): Promise<number[]> {
  const child = spawn(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), 'worker', prefix], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  return new Promise((resolve, reject) =>
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as number[]) : reject(new Error(`worker exited with ${code}`)))),
  );
}

main(async () => {
  if (process.argv[2] === 'worker') return worker(process.argv[3]!);
  const prefix = `gocsp-example:fleet:${process.pid}:`;
  console.log(`${PROCESSES} processes share one bucket: ${LIMIT.capacity} tokens, ${LIMIT.refillRate} per second, in Redis`);
  const per = await Promise.all(Array.from({ length: PROCESSES }, () => run(prefix)));
  per.forEach((g, i) => console.log(`process ${i + 1} got ${g.length} tokens`));

  // The bound, on the server's clock: over any interval of T ms, at most capacity + rate * T grants.
  const t = per.flat().sort((a, b) => a - b);
  let held = true;
  for (let i = 0; i < t.length; i++) {
    for (let j = i; j < t.length; j++) held &&= j - i + 1 <= LIMIT.capacity + (LIMIT.refillRate * (t[j]! - t[i]!)) / 1000 + 1e-6;
  }
  const least = (t.length - LIMIT.capacity) / LIMIT.refillRate;
  console.log(`${t.length} grants over ${least} s or more of server time: ${(t.at(-1)! - t[0]!) / 1000 >= least - 1e-6}`);
  console.log(`never more than ${LIMIT.capacity} + ${LIMIT.refillRate} per second over any interval: ${held}`);

  const redis = new Redis(URL);
  await redis.del(`${prefix}tb`);
  redis.disconnect();
});

// Output:
// 3 processes share one bucket: 5 tokens, 10 per second, in Redis
// process 1 got 12 tokens
// process 2 got 12 tokens
// process 3 got 12 tokens
// 36 grants over 3.1 s or more of server time: true
// never more than 5 + 10 per second over any interval: true
