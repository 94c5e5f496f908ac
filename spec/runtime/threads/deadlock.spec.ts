/**
 * Deadlocks across threads under main(): every goroutine of every thread asleep is Go's fatal error, listing each
 * thread's goroutines; a thread that computes, sleeps, does I/O or yields is awake, and the program goes on. Each
 * case runs a program in a child process (main() ends its process); tasks are in spec/fixtures/deadlock/tasks.ts.
 */
import { describe, expect, it } from 'vitest';
import { runFixture } from '../../fixtures/run.js';

const rt = `import { main, go, goThread, chan, sleep, sharedChan, codec, configureThreads, SharedWaitGroup }
  from './runtime/index.js';
  import * as t from './spec/fixtures/deadlock/tasks.js';`;

const HEADER = 'fatal error: all goroutines are asleep - deadlock!';
/** TIMEOUT: each report takes a heap snapshot on every thread, seconds each on a loaded machine. */
const TIMEOUT = 50_000;

function headers(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('goroutine '));
}

describe('deadlock across threads', () => {
  it('reports two threads waiting on each other through shared channels, naming each goroutine\'s thread', () => {
    const r = runFixture(
      `${rt}
       main(async () => {
         configureThreads({ threads: 2, goroutinesPerThread: 1 }); // one goroutine on each worker
         const a = sharedChan(codec.int32), b = sharedChan(codec.int32);
         const wg = new SharedWaitGroup();
         wg.add(2);
         go(t.swap, a, b);
         go(t.swap, b, a);
         await wg.wait();
       });`,
      { eval: true, timeoutMs: TIMEOUT },
    );
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(HEADER);
    const h = headers(r.stderr);
    expect(h[0]).toBe('goroutine 1 [sync.WaitGroup.Wait]:');
    // Which worker asks first decides which of goroutines 2 and 3 it runs.
    expect(h.slice(1).map((l) => l.replace(/^goroutine [23] /, 'goroutine N ')).sort()).toEqual([
      'goroutine N (thread 1) [chan receive]:',
      'goroutine N (thread 2) [chan receive]:',
    ]);
  }, TIMEOUT + 10_000);

  it('reports a lone receive on a shared channel that no other thread holds', () => {
    const r = runFixture(
      `${rt}
       main(async () => {
         await sharedChan(codec.int32).recv();
       });`,
      { eval: true, timeoutMs: TIMEOUT },
    );
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toBe(HEADER);
    expect(headers(r.stderr)).toEqual(['goroutine 1 [chan receive]:']);
  }, TIMEOUT + 10_000);

  it('reports a worker goroutine parked on its own channel while main waits for its result', () => {
    const r = runFixture(
      `${rt}
       main(async () => {
         configureThreads({ threads: 1 });
         await goThread(t.parkLocal);
       });`,
      { eval: true, timeoutMs: TIMEOUT },
    );
    expect(r.code).toBe(2);
    expect(headers(r.stderr)).toEqual([
      'goroutine 1 [await (not a gocsp operation)]:',
      'goroutine 2 (thread 1) [chan receive]:',
    ]);
  }, TIMEOUT + 10_000);

  it('lists where each goroutine of each thread parked with traceback: stacks', () => {
    const r = runFixture(
      `${rt}
       main(async () => {
         configureThreads({ threads: 1 });
         const a = sharedChan(codec.int32), b = sharedChan(codec.int32);
         go(t.swap, a, b);
         await b.recv();
       }, { traceback: 'stacks' });`,
      { eval: true, timeoutMs: TIMEOUT },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/goroutine 1 \[chan receive\]:\n\tat /);
    expect(r.stderr).toMatch(/goroutine 2 \(thread 1\) \[chan receive\]:\n\tat .*tasks\.ts/);
  }, TIMEOUT + 10_000);

  it('does not report threads that compute, sleep, do I/O, yield or wait for a partner, nor queued tasks', () => {
    const r = runFixture(
      `${rt}
       main(async () => {
         configureThreads({ threads: 2, goroutinesPerThread: 1 });
         const out = sharedChan(codec.int32);
         // Each phase leaves every other thread asleep while one works.
         go(t.crunch, 300, out);
         console.log('cpu', await out.recv());
         go(t.nap, 300, out);
         console.log('timer', await out.recv());
         go(t.readSelf, 50, out);
         console.log('io', await out.recv());
         go(t.yielder, 3000, out);
         console.log('gosched', await out.recv());
         const mid = sharedChan(codec.int32);
         go(t.relay, mid, out); // parks on mid until nap, on the other worker, sends there after a while
         go(t.nap, 300, mid);
         console.log('partner', await out.recv());
         const wg = new SharedWaitGroup();
         wg.add(6);
         for (let i = 0; i < 6; i++) go(t.napDone, 50, wg); // four wait in the queue at first
         await wg.wait();
         console.log('queued');
         go(async () => { await sleep(300); await out.send(5); }); // main's own timer, workers asleep
         console.log('main timer', await out.recv());
       });`,
      { eval: true, timeoutMs: TIMEOUT },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('cpu 1\ntimer 2\nio 3\ngosched 4\npartner 2\nqueued\nmain timer 5\n');
    expect(r.code).toBe(0);
  }, TIMEOUT + 10_000);

  it('keeps a program alive whose main awaits many task results one by one, its event loop running dry each time', () => {
    // Main looks for a deadlock at each wait; a worker that falls asleep just as main starts to wait must not end
    // the process (this once made main's 'beforeExit' return with nothing pending, and the process exit with 0).
    const r = runFixture(
      `${rt}
       main(async () => {
         let sum = 0;
         for (let i = 0; i < 2000; i++) sum += await goThread(t.add, i, 1);
         console.log(sum);
       });`,
      { eval: true, timeoutMs: TIMEOUT },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('2001000\n');
    expect(r.code).toBe(0);
  }, TIMEOUT + 10_000);

  it('prints the goroutines of every thread on SIGQUIT', () => {
    const r = runFixture(
      `${rt}
       main(async () => {
         configureThreads({ threads: 1 });
         const ready = sharedChan(codec.int32);
         go(t.readyThenPark, ready);
         await ready.recv();
         process.kill(process.pid, 'SIGQUIT');
         await sleep(60_000);
       });`,
      { eval: true, timeoutMs: TIMEOUT },
    );
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toEqual([
      'SIGQUIT: quit',
      'goroutine 1 [sleep]:',
      'goroutine 2 (thread 1) [chan receive]:',
    ]);
  }, TIMEOUT + 10_000);
});
