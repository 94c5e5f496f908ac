/** numGoroutine, gosched, goroutineDump and goroutineDumpAll: Go's runtime.NumGoroutine, runtime.Gosched and runtime.Stack(all). */
import { describe, expect, it } from 'vitest';
import { chan, go, goroutineDump, gosched, numGoroutine } from '../../runtime/index.js';
import { runFixture } from '../fixtures/run.js';

describe('numGoroutine', () => {
  it('counts goroutines from their start until they return, parked or not', async () => {
    const before = numGoroutine();
    const ch = chan<number>();
    for (let i = 0; i < 3; i++) go(async () => void (await ch.recv()));
    go(() => 1); // a plain function returns at once
    expect(numGoroutine()).toBe(before); // go() starts them after the caller's current step
    await gosched();
    expect(numGoroutine()).toBe(before + 3);
    for (let i = 0; i < 3; i++) await ch.send(i);
    await gosched();
    expect(numGoroutine()).toBe(before);
  });

  it('stops counting a goroutine that panicked', async () => {
    const before = numGoroutine();
    const { setPanicHandler } = await import('../../runtime/index.js');
    const prev = setPanicHandler(() => {});
    try {
      go(async () => {
        await gosched();
        throw new Error('boom');
      });
      go(() => {
        throw new Error('sync boom');
      });
      await gosched();
      await gosched();
      expect(numGoroutine()).toBe(before);
    } finally {
      setPanicHandler(prev);
    }
  });
});

describe('gosched', () => {
  it('lets every goroutine that is ready run before the caller goes on', async () => {
    const order: string[] = [];
    go(async () => {
      order.push('a1');
      await null;
      order.push('a2');
      await null;
      order.push('a3');
    });
    await gosched();
    order.push('caller');
    expect(order).toEqual(['a1', 'a2', 'a3', 'caller']);
  });
});

describe('goroutineDump', () => {
  it('says goroutines are listed only under main() outside it', () => {
    expect(goroutineDump()).toBe('\n(goroutines are listed only under main())\n');
  });

  it("lists every live goroutine with Go's wait reasons under main()", () => {
    const r = runFixture(
      `import { main, go, chan, goroutineDump, gosched, numGoroutine, Mutex } from './runtime/index.js';
       main(async () => {
         const mu = new Mutex();
         await mu.lock();
         go(async () => { await chan().send(1); });
         go(async () => { await mu.lock(); });
         await gosched();
         console.log(numGoroutine());
         process.stdout.write(goroutineDump());
       });`,
      { eval: true },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '3\n\ngoroutine 1 [await (not a gocsp operation)]:\n\ngoroutine 2 [chan send]:\n\ngoroutine 3 [sync.Mutex.Lock]:\n',
    );
  });

  it("shows the goroutine that takes the dump as [running] with traceback: 'stacks'", () => {
    const r = runFixture(
      `import { main, go, chan, goroutineDump, gosched } from './runtime/index.js';
       main(async () => {
         go(async () => { await chan().send(1); });
         await gosched();
         process.stdout.write(goroutineDump().replace(/\\tat [^\\n]*\\n/g, ''));
       }, { traceback: 'stacks' });`,
      { eval: true },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('\ngoroutine 1 [running]:\n\ngoroutine 2 [chan send]:\n');
  });
});

describe('goroutineDumpAll', () => {
  it('lists the goroutines of every thread, those of workers with their thread', () => {
    const r = runFixture(
      `import { main, goroutineDumpAll, sharedChan, codec, configureThreads, go } from './runtime/index.js';
       import { readyThenPark } from './spec/fixtures/deadlock/tasks.js';
       main(async () => {
         configureThreads({ threads: 1 });
         const ready = sharedChan(codec.int32);
         go(readyThenPark, ready);
         await ready.recv();
         process.stdout.write(await goroutineDumpAll());
       });`,
      { eval: true, timeoutMs: 50_000 },
    );
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe(
      '\ngoroutine 1 [await (not a gocsp operation)]:\n\ngoroutine 2 (thread 1) [chan receive]:\n',
    );
  }, 60_000);
});
