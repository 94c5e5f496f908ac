/**
 * ping-pong: two goroutines bounce a value over two unbuffered channels, N round trips per sample.
 *
 *   pinger:  for i < N { ping <- i; sum += <-pong }
 *   ponger:  for i < N { pong <- <-ping }
 *
 * One round trip is two rendezvous (four channel operations, two of which park). Reported per round trip.
 * Go 1.19 on this machine: 360-394 ns per round trip. Target for gocsp: <= 200 ns.
 *
 * Run alone: npx tsx bench/runtime/ping-pong.bench.ts
 */
import { BaseChannel } from 'async-channel';
import { Effect, Fiber, Queue } from 'effect';
import csp from 'js-csp';
import { NaiveChan } from '../baseline/naive-chan.js';
import { newBench, report, sumTo, timed } from '../lib/harness.js';
import { RepeaterPipe } from '../lib/repeater-pipe.js';
import { pingPong } from '../lib/workloads.js';

const N = 10_000;
const SUM = sumTo(N);

/** gocsp: the shared workload (bench/lib/workloads.ts), the README's way of writing it. */
const gocsp = (): Promise<number> => pingPong(N);

async function naive(): Promise<number> {
  const ping = new NaiveChan<number>();
  const pong = new NaiveChan<number>();
  void (async () => {
    for (let i = 0; i < N; i++) await pong.send((await ping.recv())!);
  })();
  let sum = 0;
  for (let i = 0; i < N; i++) {
    await ping.send(i);
    sum += (await pong.recv())!;
  }
  return sum;
}

function jsCsp(): Promise<number> {
  const ping = csp.chan<number>();
  const pong = csp.chan<number>();
  csp.go(function* () {
    for (let i = 0; i < N; i++) yield csp.put(pong, (yield csp.take(ping)) as number);
  });
  const main = csp.go(function* () {
    let sum = 0;
    for (let i = 0; i < N; i++) {
      yield csp.put(ping, i);
      sum += (yield csp.take(pong)) as number;
    }
    return sum;
  });
  return new Promise((resolve) => csp.takeAsync(main, (sum) => resolve(sum ?? -1)));
}

async function asyncChannel(): Promise<number> {
  const ping = new BaseChannel<number>(0);
  const pong = new BaseChannel<number>(0);
  void (async () => {
    for (let i = 0; i < N; i++) await pong.push(await ping.get());
  })();
  let sum = 0;
  for (let i = 0; i < N; i++) {
    await ping.push(i);
    sum += await pong.get();
  }
  return sum;
}

async function repeater(): Promise<number> {
  const ping = new RepeaterPipe<number>();
  const pong = new RepeaterPipe<number>();
  // Pushes are not awaited: a Repeater's push settles on the consumer's following next(), which in a ping-pong
  // only comes after the pusher's own receive (deadlock). Each side still waits for the other's value.
  void (async () => {
    for (let i = 0; i < N; i++) void pong.push((await ping.next()).value);
  })();
  let sum = 0;
  for (let i = 0; i < N; i++) {
    void ping.push(i);
    sum += (await pong.next()).value;
  }
  return sum;
}

const effectPingPong = Effect.gen(function* () {
  const ping = yield* Queue.bounded<number>(0);
  const pong = yield* Queue.bounded<number>(0);
  const ponger = yield* Effect.forkChild(
    Effect.gen(function* () {
      for (let i = 0; i < N; i++) yield* Queue.offer(pong, yield* Queue.take(ping));
    }),
  );
  let sum = 0;
  for (let i = 0; i < N; i++) {
    yield* Queue.offer(ping, i);
    sum += yield* Queue.take(pong);
  }
  yield* Fiber.join(ponger);
  return sum;
});

const bench = newBench('ping-pong: unbuffered, 2 goroutines');
bench
  .add('gocsp chan() + go()', timed(N, SUM, gocsp), { async: true })
  .add('baseline: naive promise-queue chan', timed(N, SUM, naive), { async: true })
  .add('js-csp chan() + go(generator)', timed(N, SUM, jsCsp), { async: true })
  .add('async-channel BaseChannel(0)', timed(N, SUM, asyncChannel), { async: true })
  .add('@repeaterjs Repeater, push not awaited', timed(N, SUM, repeater), { async: true })
  .add('effect Queue.bounded(0) + forkChild', timed(N, SUM, () => Effect.runPromise(effectPingPong)), { async: true });

await bench.run();
report(bench, {
  unit: 'round trip',
  opsPerSample: `${N} round trips (2 goroutines started per sample)`,
  note: 'Go 1.19 here: 360-394 ns/round trip. Target for gocsp: <= 200 ns/round trip.',
});
