/**
 * prod-cons: one producer goroutine sends N values into a channel of capacity 0, 10 or 100; one consumer goroutine
 * receives them. Reported per item.
 *
 *   await:      producer `await ch.send(i)`, consumer `await ch.recv()`.
 *   fast path:  producer `ch.trySend(i) || await ch.send(i)`, consumer `ch.tryRecv() ?? await ch.recv()`: the
 *               synchronous operations, falling back to a parking one only when they would block.
 *
 * Go 1.19 on this machine (ChanProdCons100): 51-71 ns per item. Targets for gocsp: <= 100 ns/item via await,
 * <= 25 ns/item via the fast path.
 *
 * Run alone: npx tsx bench/runtime/prod-cons.bench.ts
 */
import { BaseChannel } from 'async-channel';
import { Effect, Exit, Fiber, Queue } from 'effect';
import csp from 'js-csp';
import { chan } from '../../runtime/chan/local-chan.js';
import { go } from '../../runtime/go.js';
import { NaiveChan } from '../baseline/naive-chan.js';
import { newBench, report, sumTo, timed, type Unsupported } from '../lib/harness.js';
import { RepeaterPipe } from '../lib/repeater-pipe.js';

const N = 100_000;
const SUM = sumTo(N);
const CAPS = [0, 10, 100] as const;

function gocspAwait(cap: number): Promise<number> {
  const ch = chan<number>(cap);
  const done = chan<number>(1);
  go(async () => {
    for (let i = 0; i < N; i++) await ch.send(i);
  });
  go(async () => {
    let sum = 0;
    for (let i = 0; i < N; i++) sum += (await ch.recv())!;
    await done.send(sum);
  });
  return done.recv() as Promise<number>;
}

function gocspFast(cap: number): Promise<number> {
  const ch = chan<number>(cap);
  const done = chan<number>(1);
  go(async () => {
    for (let i = 0; i < N; i++) if (!ch.trySend(i)) await ch.send(i);
  });
  go(async () => {
    let sum = 0;
    for (let i = 0; i < N; i++) {
      const r = ch.tryRecv();
      sum += r !== undefined ? r.value! : (await ch.recv())!;
    }
    await done.send(sum);
  });
  return done.recv() as Promise<number>;
}

async function naive(cap: number): Promise<number> {
  const ch = new NaiveChan<number>(cap);
  void (async () => {
    for (let i = 0; i < N; i++) await ch.send(i);
  })();
  let sum = 0;
  for (let i = 0; i < N; i++) sum += (await ch.recv())!;
  return sum;
}

function jsCsp(cap: number): Promise<number> {
  const ch = csp.chan<number>(cap);
  csp.go(function* () {
    for (let i = 0; i < N; i++) yield csp.put(ch, i);
  });
  const consumer = csp.go(function* () {
    let sum = 0;
    for (let i = 0; i < N; i++) sum += (yield csp.take(ch)) as number;
    return sum;
  });
  return new Promise((resolve) => csp.takeAsync(consumer, (sum) => resolve(sum ?? -1)));
}

function jsCspFast(cap: number): Promise<number> {
  const ch = csp.chan<number>(cap);
  csp.go(function* () {
    for (let i = 0; i < N; i++) if (!csp.offer(ch, i)) yield csp.put(ch, i);
  });
  const consumer = csp.go(function* () {
    let sum = 0;
    for (let i = 0; i < N; i++) {
      const v = csp.poll(ch);
      sum += v !== csp.NO_VALUE ? (v as number) : ((yield csp.take(ch)) as number);
    }
    return sum;
  });
  return new Promise((resolve) => csp.takeAsync(consumer, (sum) => resolve(sum ?? -1)));
}

async function asyncChannel(cap: number): Promise<number> {
  const ch = new BaseChannel<number>(cap);
  void (async () => {
    for (let i = 0; i < N; i++) await ch.push(i);
  })();
  let sum = 0;
  for (let i = 0; i < N; i++) sum += await ch.get();
  return sum;
}

async function repeater(cap: number): Promise<number> {
  const ch = new RepeaterPipe<number>(cap);
  void (async () => {
    for (let i = 0; i < N; i++) await ch.push(i);
  })();
  let sum = 0;
  for (let i = 0; i < N; i++) sum += (await ch.next()).value;
  return sum;
}

function effect(cap: number): Effect.Effect<number> {
  return Effect.gen(function* () {
    const q = yield* Queue.bounded<number>(cap);
    const producer = yield* Effect.forkChild(
      Effect.gen(function* () {
        for (let i = 0; i < N; i++) yield* Queue.offer(q, i);
      }),
    );
    let sum = 0;
    for (let i = 0; i < N; i++) sum += yield* Queue.take(q);
    yield* Fiber.join(producer);
    return sum;
  });
}

function effectFast(cap: number): Effect.Effect<number> {
  return Effect.gen(function* () {
    const q = yield* Queue.bounded<number>(cap);
    const producer = yield* Effect.forkChild(
      Effect.gen(function* () {
        for (let i = 0; i < N; i++) if (!Queue.offerUnsafe(q, i)) yield* Queue.offer(q, i);
      }),
    );
    let sum = 0;
    for (let i = 0; i < N; i++) {
      const e = Queue.takeUnsafe(q);
      sum += e !== undefined && Exit.isSuccess(e) ? e.value : yield* Queue.take(q);
    }
    yield* Fiber.join(producer);
    return sum;
  });
}

const bench = newBench('prod-cons: 1 producer, 1 consumer');
for (const cap of CAPS) {
  const c = `cap ${cap}`;
  bench
    .add(`${c} | gocsp await send/recv`, timed(N, SUM, () => gocspAwait(cap)), { async: true })
    .add(`${c} | gocsp fast path trySend/tryRecv`, timed(N, SUM, () => gocspFast(cap)), { async: true })
    .add(`${c} | baseline: naive chan (await only)`, timed(N, SUM, () => naive(cap)), { async: true })
    .add(`${c} | js-csp put/take`, timed(N, SUM, () => jsCsp(cap)), { async: true })
    .add(`${c} | js-csp fast path offer/poll`, timed(N, SUM, () => jsCspFast(cap)), { async: true })
    .add(`${c} | async-channel push/get`, timed(N, SUM, () => asyncChannel(cap)), { async: true })
    .add(`${c} | @repeaterjs push/next`, timed(N, SUM, () => repeater(cap)), { async: true })
    .add(`${c} | effect Queue offer/take`, timed(N, SUM, () => Effect.runPromise(effect(cap))), { async: true })
    .add(`${c} | effect fast path offerUnsafe/takeUnsafe`, timed(N, SUM, () => Effect.runPromise(effectFast(cap))), {
      async: true,
    });
}

const unsupported: Unsupported[] = [
  { name: 'async-channel fast path', reason: 'no non-blocking send/receive in its API' },
  { name: '@repeaterjs fast path', reason: 'push/next always return promises; no non-blocking form' },
  { name: 'naive chan fast path', reason: 'none by construction (the baseline has no fast path)' },
];

await bench.run();
report(bench, {
  unit: 'item',
  opsPerSample: `${N} items (producer and consumer started per sample)`,
  unsupported,
  note: 'Go 1.19 here: 51-71 ns/item (ChanProdCons100). Targets for gocsp: <= 100 ns/item await, <= 25 ns/item fast path.',
});
