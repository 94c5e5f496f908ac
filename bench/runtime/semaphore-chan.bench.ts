/**
 * semaphore-chan: a buffered channel of capacity K used as a counting semaphore, Go's idiom
 *
 *   sem := make(chan struct{}, K)
 *   sem <- struct{}{}   // acquire
 *   ...critical section...
 *   <-sem               // release
 *
 * G goroutines each do M acquire/critical/release rounds. The critical section is trivial (bump and check an
 * occupancy counter, which must never exceed K), but every acquire awaits, so the goroutines interleave and, with
 * G > K, most acquires park until a release hands the slot over. Reported per acquire+release pair.
 *
 * Run alone: npx tsx bench/runtime/semaphore-chan.bench.ts
 */
import { BaseChannel } from 'async-channel';
import { Effect, Fiber, Queue } from 'effect';
import csp from 'js-csp';
import { chan } from '../../runtime/chan/local-chan.js';
import { go } from '../../runtime/go.js';
import { NaiveChan } from '../baseline/naive-chan.js';
import { newBench, report, timed, type Unsupported } from '../lib/harness.js';
import { RepeaterPipe } from '../lib/repeater-pipe.js';

const G = 8;
const M = 2_000;
const OPS = G * M;
const KS = [1, 4] as const;

/** Occupancy tracks how many goroutines are inside the critical section; `enter` throws past the limit. */
class Occupancy {
  inside = 0;
  rounds = 0;
  constructor(readonly limit: number) {}
  enter(): void {
    if (++this.inside > this.limit) throw new Error(`semaphore broken: ${this.inside} inside, limit ${this.limit}`);
    this.rounds++;
  }
  leave(): void {
    this.inside--;
  }
}

function gocsp(k: number): Promise<number> {
  const sem = chan<number>(k);
  const done = chan<number>(G);
  const occ = new Occupancy(k);
  for (let g = 0; g < G; g++) {
    go(async () => {
      for (let i = 0; i < M; i++) {
        await sem.send(1);
        occ.enter();
        occ.leave();
        await sem.recv();
      }
      await done.send(1);
    });
  }
  return (async () => {
    for (let g = 0; g < G; g++) await done.recv();
    return occ.rounds;
  })();
}

async function naive(k: number): Promise<number> {
  const sem = new NaiveChan<number>(k);
  const occ = new Occupancy(k);
  const worker = async (): Promise<void> => {
    for (let i = 0; i < M; i++) {
      await sem.send(1);
      occ.enter();
      occ.leave();
      await sem.recv();
    }
  };
  await Promise.all(Array.from({ length: G }, worker));
  return occ.rounds;
}

function jsCsp(k: number): Promise<number> {
  const sem = csp.chan<number>(k);
  const done = csp.chan<number>(G);
  const occ = new Occupancy(k);
  for (let g = 0; g < G; g++) {
    csp.go(function* () {
      for (let i = 0; i < M; i++) {
        yield csp.put(sem, 1);
        occ.enter();
        occ.leave();
        yield csp.take(sem);
      }
      yield csp.put(done, 1);
    });
  }
  const main = csp.go(function* () {
    for (let g = 0; g < G; g++) yield csp.take(done);
    return occ.rounds;
  });
  return new Promise((resolve) => csp.takeAsync(main, (n) => resolve(n ?? -1)));
}

async function asyncChannel(k: number): Promise<number> {
  const sem = new BaseChannel<number>(k);
  const occ = new Occupancy(k);
  const worker = async (): Promise<void> => {
    for (let i = 0; i < M; i++) {
      await sem.push(1);
      occ.enter();
      occ.leave();
      await sem.get();
    }
  };
  await Promise.all(Array.from({ length: G }, worker));
  return occ.rounds;
}

async function repeater(k: number): Promise<number> {
  const sem = new RepeaterPipe<number>(k);
  const occ = new Occupancy(k);
  const worker = async (): Promise<void> => {
    for (let i = 0; i < M; i++) {
      await sem.push(1);
      occ.enter();
      occ.leave();
      await sem.next();
    }
  };
  await Promise.all(Array.from({ length: G }, worker));
  return occ.rounds;
}

function effect(k: number): Effect.Effect<number> {
  return Effect.gen(function* () {
    const sem = yield* Queue.bounded<number>(k);
    const occ = new Occupancy(k);
    const worker = Effect.gen(function* () {
      for (let i = 0; i < M; i++) {
        yield* Queue.offer(sem, 1);
        occ.enter();
        occ.leave();
        yield* Queue.take(sem);
      }
    });
    const fibers: Fiber.Fiber<void>[] = [];
    for (let g = 0; g < G; g++) fibers.push(yield* Effect.forkChild(worker));
    for (const f of fibers) yield* Fiber.join(f);
    return occ.rounds;
  });
}

const bench = newBench(`semaphore-chan: chan(K) as a semaphore, ${G} goroutines`);
for (const k of KS) {
  const c = `K=${k}`;
  bench
    .add(`${c} | gocsp chan(K) send/recv`, timed(OPS, OPS, () => gocsp(k)), { async: true })
    .add(`${c} | baseline: naive chan`, timed(OPS, OPS, () => naive(k)), { async: true })
    .add(`${c} | js-csp chan(K) put/take`, timed(OPS, OPS, () => jsCsp(k)), { async: true })
    .add(`${c} | async-channel BaseChannel(K)`, timed(OPS, OPS, () => asyncChannel(k)), { async: true })
    .add(`${c} | effect Queue.bounded(K)`, timed(OPS, OPS, () => Effect.runPromise(effect(k))), { async: true });
  // K=1 deadlocks: see unsupported below.
  if (k > 1) bench.add(`${c} | @repeaterjs Repeater(FixedBuffer(K))`, timed(OPS, OPS, () => repeater(k)), { async: true });
}

const unsupported: Unsupported[] = [
  {
    name: 'K=1 | @repeaterjs Repeater(FixedBuffer(1))',
    reason: `deadlocks (${G} goroutines stall after 2 rounds): a push that waited for room settles only on a later next()`,
  },
];

await bench.run();
report(bench, {
  unit: 'acquire+release',
  unsupported,
  opsPerSample: `${G} goroutines x ${M} rounds = ${OPS} acquire+release pairs (goroutines started per sample)`,
  note: 'No Go reference figure or target was set for this workload.',
});
