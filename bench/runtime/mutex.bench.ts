/**
 * mutex: lock + trivial critical section + unlock.
 *
 *   uncontended:  one goroutine, `await mu.lock(); n++; mu.unlock()`, N times per sample. Reported per lock+unlock.
 *                 Also through tryLock (`mu.tryLock() || await mu.lock()`), and with a chan(1) as the lock.
 *   contended:    4 goroutines doing the same on one mutex; every lock() awaits, so they interleave and most
 *                 lock() calls park until an unlock hands the mutex over.
 *
 * Go 1.19 on this machine: uncontended sync.Mutex 15 ns (BenchmarkMutexUncontended, run with b.RunParallel on 2
 * cores, each goroutine with its own mutex: about 30 ns per core). Target for gocsp: <= 50 ns.
 *
 * Run alone: npx tsx bench/runtime/mutex.bench.ts
 */
import { Effect, Semaphore } from 'effect';
import { chan } from '../../runtime/chan/local-chan.js';
import { go } from '../../runtime/go.js';
import { Mutex } from '../../runtime/sync/mutex.js';
import { NaiveMutex } from '../baseline/naive-mutex.js';
import { newBench, report, timed } from '../lib/harness.js';

const N = 100_000;
const G = 4;
const M = 5_000;

/** Lockable is what the contended workload needs from a lock. */
interface Lockable {
  lock(): Promise<void>;
  unlock(): void;
}

async function uncontended(mu: Lockable): Promise<number> {
  let n = 0;
  for (let i = 0; i < N; i++) {
    await mu.lock();
    n++;
    mu.unlock();
  }
  return n;
}

async function gocspTryLock(): Promise<number> {
  const mu = new Mutex();
  let n = 0;
  for (let i = 0; i < N; i++) {
    if (!mu.tryLock()) await mu.lock();
    n++;
    mu.unlock();
  }
  return n;
}

async function gocspChanLock(): Promise<number> {
  const mu = chan<number>(1);
  let n = 0;
  for (let i = 0; i < N; i++) {
    await mu.send(1);
    n++;
    await mu.recv();
  }
  return n;
}

const effectSemaphore = Effect.gen(function* () {
  const sem = yield* Semaphore.make(1);
  let n = 0;
  for (let i = 0; i < N; i++) {
    yield* Semaphore.take(sem, 1);
    n++;
    yield* Semaphore.release(sem, 1);
  }
  return n;
});

/** contended runs G goroutines on one lock; `inside` proves mutual exclusion. */
function contended(mu: Lockable, spawn: (f: () => Promise<void>) => void): Promise<number> {
  let n = 0;
  let inside = 0;
  let finished = 0;
  return new Promise<number>((resolve, reject) => {
    for (let g = 0; g < G; g++) {
      spawn(async () => {
        for (let i = 0; i < M; i++) {
          await mu.lock();
          if (++inside !== 1) reject(new Error('mutual exclusion broken'));
          n++;
          inside--;
          mu.unlock();
        }
        if (++finished === G) resolve(n);
      });
    }
  });
}

const bench = newBench('mutex: lock + unlock');
bench
  .add('uncontended | gocsp Mutex lock/unlock', timed(N, N, () => uncontended(new Mutex())), { async: true })
  .add('uncontended | gocsp Mutex tryLock/unlock', timed(N, N, gocspTryLock), { async: true })
  .add('uncontended | gocsp chan(1) send/recv', timed(N, N, gocspChanLock), { async: true })
  .add('uncontended | baseline: naive promise mutex', timed(N, N, () => uncontended(new NaiveMutex())), { async: true })
  .add('uncontended | effect Semaphore(1) take/release', timed(N, N, () => Effect.runPromise(effectSemaphore)), {
    async: true,
  })
  .add(`contended ${G} | gocsp Mutex + go()`, timed(G * M, G * M, () => contended(new Mutex(), (f) => go(f))), {
    async: true,
  })
  .add(`contended ${G} | baseline: naive mutex`, timed(G * M, G * M, () => contended(new NaiveMutex(), (f) => void f())), {
    async: true,
  });

await bench.run();
report(bench, {
  unit: 'lock+unlock',
  opsPerSample: `${N} lock+unlock (uncontended), ${G} goroutines x ${M} (contended)`,
  note:
    'Go 1.19 here: uncontended sync.Mutex 15 ns (RunParallel on 2 cores: about 30 ns per core). Target for gocsp:\n' +
    '<= 50 ns per uncontended lock+unlock.',
});
