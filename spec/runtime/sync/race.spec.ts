/**
 * Race-style tests: many goroutines interleave at random (seeded, so a failure names its seed and replays) over
 * each primitive, checking its invariant at every step. Each seed runs in a synctest bubble, so a lost wake-up shows
 * up as a DeadlockError rather than a hang.
 */
import { describe, expect, it } from 'vitest';
import { synctest, Mutex, RWMutex, Semaphore, WaitGroup } from '../../../runtime/index.js';
import { background, fakeContext, yieldSome } from './helpers.js';
import { STRESS } from '../../stress.js';
import { rng } from '../../prng.js';

const SEEDS = 60 * STRESS;
const GOROUTINES = 16;
const ROUNDS = 25;

/** check fails the running goroutine (and so the bubble) with a message naming the seed. */
function check(ok: boolean, seed: number, what: string): void {
  if (!ok) throw new Error(`seed ${seed}: ${what}`);
}

describe('Mutex under random interleavings', () => {
  it('never admits two holders and grants lock() calls in call order', async () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = rng(seed);
      let inside = 0;
      let entries = 0;
      let nextTicket = 0;
      let lastGranted = -1;
      await synctest.run(async () => {
        const mu = new Mutex();
        const wg = new WaitGroup();
        const critical = async (): Promise<void> => {
          check(++inside === 1, seed, 'two holders');
          entries++;
          await yieldSome(r);
          inside--;
          mu.unlock();
        };
        for (let g = 0; g < GOROUTINES; g++) {
          wg.go(async () => {
            for (let i = 0; i < ROUNDS; i++) {
              await yieldSome(r);
              if (r() < 0.2) {
                if (mu.tryLock()) await critical();
                continue;
              }
              const ticket = nextTicket++;
              await mu.lock();
              check(ticket > lastGranted, seed, `ticket ${ticket} granted after ${lastGranted}`);
              lastGranted = ticket;
              await critical();
            }
          });
        }
        await wg.wait();
        check(mu.tryLock(), seed, 'left locked');
      });
      expect(inside).toBe(0);
      expect(entries).toBeGreaterThan(GOROUTINES * ROUNDS * 0.7);
    }
  });
});

describe('RWMutex under random interleavings', () => {
  it('never admits a writer together with anyone else', async () => {
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = rng(seed);
      let readers = 0;
      let writers = 0;
      let maxReaders = 0;
      await synctest.run(async () => {
        const rw = new RWMutex();
        const wg = new WaitGroup();
        const read = async (): Promise<void> => {
          check(writers === 0, seed, 'reader beside a writer');
          maxReaders = Math.max(maxReaders, ++readers);
          await yieldSome(r, 6);
          readers--;
        };
        const write = async (): Promise<void> => {
          check(writers === 0 && readers === 0, seed, `writer beside ${writers} writers, ${readers} readers`);
          writers++;
          await yieldSome(r);
          writers--;
        };
        for (let g = 0; g < GOROUTINES; g++) {
          wg.go(async () => {
            for (let i = 0; i < ROUNDS; i++) {
              await yieldSome(r);
              const c = r();
              if (c < 0.5) {
                await rw.rLock();
                await read();
                rw.rUnlock();
              } else if (c < 0.6) {
                const l = rw.rLocker();
                await l.lock();
                await read();
                l.unlock();
              } else if (c < 0.7) {
                if (rw.tryRLock()) {
                  await read();
                  rw.rUnlock();
                }
              } else if (c < 0.8) {
                if (rw.tryLock()) {
                  await write();
                  rw.unlock();
                }
              } else {
                await rw.lock();
                await write();
                rw.unlock();
              }
            }
          });
        }
        await wg.wait();
        check(rw.tryLock(), seed, 'left locked');
      });
      expect(readers + writers).toBe(0);
    }
  });
});

describe('Semaphore under random interleavings', () => {
  /** Req is one acquire() call as the model sees it. */
  interface Req {
    readonly ticket: number;
    readonly n: number;
    state: 'queued' | 'doomed' | 'granted' | 'canceled';
  }

  /**
   * Model is x/sync's algorithm written as plainly as possible; the test drives it in step with the real
   * semaphore and checks after every operation that both agree.
   */
  class Model {
    free: number;
    readonly queue: Req[] = [];
    constructor(readonly size: number) {
      this.free = size;
    }
    acquire(req: Req): void {
      if (this.queue.length === 0 && req.n <= this.free) {
        this.free -= req.n;
        req.state = 'granted';
      } else if (req.n > this.size) {
        req.state = 'doomed';
      } else {
        this.queue.push(req);
      }
    }
    tryAcquire(n: number): boolean {
      if (this.queue.length !== 0 || n > this.free) return false;
      this.free -= n;
      return true;
    }
    release(n: number): void {
      this.free += n;
      this.notify();
    }
    cancel(req: Req): void {
      if (req.state === 'doomed') req.state = 'canceled';
      if (req.state !== 'queued') return;
      const i = this.queue.indexOf(req);
      this.queue.splice(i, 1);
      req.state = 'canceled';
      if (i === 0) this.notify();
    }
    notify(): void {
      for (let head = this.queue[0]; head !== undefined && head.n <= this.free; head = this.queue[0]) {
        this.free -= head.n;
        head.state = 'granted';
        this.queue.shift();
      }
    }
  }

  it('agrees step by step with a model of x/sync: capacity, FIFO order, cancellation', async () => {
    const SIZE = 5;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = rng(seed);
      let held = 0;
      let canceled = 0;
      let queuedGrants = 0;
      await synctest.run(async () => {
        const sem = new Semaphore(SIZE);
        const model = new Model(SIZE);
        const wg = new WaitGroup();
        // probe checks, without changing anything, that the real semaphore's line and free weight match the model's.
        const probe = (when: string): void => {
          const empty = model.queue.length === 0;
          check(sem.tryAcquire(0) === empty, seed, `${when}: line ${empty ? 'should be' : 'should not be'} empty`);
          if (!empty) return;
          check(!sem.tryAcquire(model.free + 1), seed, `${when}: more than ${model.free} free`);
          check(sem.tryAcquire(model.free), seed, `${when}: less than ${model.free} free`);
          sem.release(model.free);
        };
        const use = async (n: number): Promise<void> => {
          held += n;
          check(held <= SIZE, seed, `${held} held of ${SIZE}`);
          await yieldSome(r);
          held -= n;
          sem.release(n);
          model.release(n);
          probe('release');
        };
        let nextTicket = 0;
        for (let g = 0; g < GOROUTINES; g++) {
          wg.go(async () => {
            for (let i = 0; i < ROUNDS; i++) {
              await yieldSome(r);
              const n = 1 + Math.floor(r() * (SIZE + 1)); // 1..SIZE+1: SIZE+1 is doomed
              if (r() < 0.15) {
                const got = sem.tryAcquire(n);
                check(got === model.tryAcquire(n), seed, `tryAcquire(${n}) gave ${got}`);
                if (got) await use(n);
                continue;
              }
              const req: Req = { ticket: nextTicket++, n, state: 'queued' };
              const cancelable = n > SIZE || r() < 0.4;
              const ctx = cancelable ? fakeContext() : background;
              if (cancelable) {
                const delay = r() * 8;
                wg.go(async () => {
                  for (let k = 0; k < delay; k++) await null;
                  (ctx as ReturnType<typeof fakeContext>).cancel();
                  model.cancel(req);
                  probe(`cancel of ticket ${req.ticket}`);
                });
              }
              const p = sem.acquire(ctx, n);
              model.acquire(req);
              if (req.state === 'queued') queuedGrants++;
              try {
                await p;
              } catch (e) {
                check(req.state === 'canceled' && ctx.err() === e, seed, `ticket ${req.ticket} rejected`);
                canceled++;
                continue;
              }
              check(req.state === 'granted', seed, `ticket ${req.ticket} granted but ${req.state} in the model`);
              await use(n);
            }
          });
        }
        await wg.wait();
        probe('end');
        check(model.free === SIZE, seed, 'weight leaked');
      });
      expect(held).toBe(0);
      expect(canceled).toBeGreaterThan(0);
      expect(queuedGrants).toBeGreaterThan(0);
    }
  });
});
