import { describe, expect, it } from 'vitest';
import { runFixture } from '../fixtures/run.js';

const rt = `import { main, go, chan, select, recvCase, sendCase, sleep, nil, recv } from './runtime/index.js';`;

describe('main', () => {
  it("reports a deadlock with Go's text and every parked goroutine's wait reason, exit code 2", () => {
    const r = runFixture(
      `${rt}
       main(async () => {
         const a = chan(), b = chan();
         go(async () => { await a.send(1); });
         go(async () => { await select([recvCase(b), sendCase(nil, 1)]); });
         go(async () => { await recv(nil); });
         await b.recv();
       });`,
      { eval: true },
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    const lines = r.stderr.split('\n');
    expect(lines[0]).toBe('fatal error: all goroutines are asleep - deadlock!');
    expect(lines[1]).toBe('');
    const headers = lines.filter((l) => l.startsWith('goroutine '));
    expect(headers).toEqual([
      'goroutine 1 [chan receive]:',
      'goroutine 2 [chan send]:',
      'goroutine 3 [select]:',
      'goroutine 4 [chan receive (nil chan)]:',
    ]);
    // By default no stacks: where each goroutine parked is opt-in (traceback: 'stacks').
    expect(r.stderr).not.toContain('\tat ');
  });

  it("shows where each goroutine parked with traceback: 'stacks', and GOCSP_TRACEBACK overrides the option", () => {
    const program = (opt: string): string =>
      `${rt}
       main(async () => {
         go(async () => { await chan().send(1); });
         await chan().recv();
       }${opt});`;
    const stacks = runFixture(program(`, { traceback: 'stacks' }`), { eval: true });
    expect(stacks.code).toBe(2);
    expect(stacks.stderr).toMatch(/goroutine 1 \[chan receive\]:\n\tat /);
    expect(stacks.stderr).toMatch(/goroutine 2 \[chan send\]:\n\tat /);
    const env = runFixture(program(''), { eval: true, env: { GOCSP_TRACEBACK: 'stacks' } });
    expect(env.stderr).toMatch(/goroutine 1 \[chan receive\]:\n\tat /);
    const none = runFixture(program(`, { traceback: 'stacks' }`), { eval: true, env: { GOCSP_TRACEBACK: 'none' } });
    expect(none.code).toBe(2);
    expect(none.stderr).toBe('fatal error: all goroutines are asleep - deadlock!\n');
  });

  it('lists goroutines parked on channels nobody else can reach, behind helpers, Promise.all and for await', () => {
    const r = runFixture(
      `${rt}
       async function helper(ch) { return await ch.recv(); }
       const pending = [];
       main(async () => {
         go(async () => { await helper(chan()); });
         go(async () => { await Promise.all([chan().recv(), chan().recv()]); });
         go(async () => { for await (const v of chan()) console.log(v); });
         // A promise gocsp does not know; listed because something still references it (an unreachable one would
         // be garbage-collected with its goroutine: see sched/heap-walk.ts).
         go(async () => { const p = new Promise(() => {}); pending.push(p); await p; });
         go(async () => { await sleep(10); await chan().send(1).then(() => 0); });
         await sleep(50);
         await chan().recv();
       });`,
      { eval: true },
    );
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('goroutine '))).toEqual([
      'goroutine 1 [chan receive]:',
      'goroutine 2 [chan receive]:',
      'goroutine 3 [chan receive]:',
      'goroutine 4 [chan receive]:',
      'goroutine 5 [await (not a gocsp operation)]:',
      'goroutine 6 [chan send]:',
    ]);
  });

  it('lists wait reasons without ids when the heap is over GOCSP_DUMP_HEAP_LIMIT, and counts what it cannot see', () => {
    const program = `${rt}
       import { Group } from './runtime/index.js';
       main(async () => {
         const g = new Group();
         g.go(() => new Promise(() => {}));
         go(async () => { await g.wait(); });
         go(async () => { const q = chan(1); await new Promise((r) => { void q.send(r); }); await chan().send(1); });
         await sleep(20);
         await chan().recv();
       });`;
    const r = runFixture(program, { eval: true });
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('goroutine ') || l.startsWith('('))).toEqual([
      'goroutine 1 [chan receive]:',
      'goroutine 3 [sync.WaitGroup.Wait]:',
      // 2 (errgroup's, on a promise nobody can resolve) and 4 (its resolver only in a channel nobody else has).
      '(2 more goroutines await promises that nothing references, not a gocsp operation; GOCSP_TRACEBACK=stacks lists them)',
    ]);
    const over = runFixture(program, { eval: true, env: { GOCSP_DUMP_HEAP_LIMIT: '0' } });
    expect(over.code).toBe(2);
    expect(over.stderr).toContain('(goroutine ids not worked out: the heap is larger than GOCSP_DUMP_HEAP_LIMIT MiB');
    expect(over.stderr.split('\n').filter((l) => l.startsWith('goroutine ')).sort()).toEqual([
      'goroutine ? [chan receive]:',
      'goroutine ? [sync.WaitGroup.Wait]:',
    ]);
  });

  it('rejects a traceback that is not one of the levels', () => {
    const r = runFixture(
      `${rt} try { main(async () => {}, { traceback: 'full' }); } catch (e) { console.log(e.name, e.message); }`,
      { eval: true },
    );
    expect(r.stdout).toBe(
      `InvalidArgumentError main: traceback must be 'none', 'goroutines' or 'stacks', got "full"\n`,
    );
  });

  it('reports an unlock of an unlocked Mutex as Go does: fatal error, not panic', () => {
    const r = runFixture(
      `import { main, Mutex } from './runtime/index.js';
       main(async () => { new Mutex().unlock(); });`,
      { eval: true },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^fatal error: sync: unlock of unlocked mutex\n\ngoroutine 1 \[running\]:\n/);
  });

  it('prints every goroutine and exits with 2 on SIGQUIT, as a Go program does', () => {
    const r = runFixture(
      `${rt}
       main(async () => {
         go(async () => { await chan().send(1); });
         setTimeout(() => process.kill(process.pid, 'SIGQUIT'), 50);
         await sleep(60_000);
       });`,
      { eval: true },
    );
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l !== '')).toEqual([
      'SIGQUIT: quit',
      'goroutine 1 [sleep]:',
      'goroutine 2 [chan send]:',
    ]);
  });

  it('names the sync primitives a goroutine is parked on', () => {
    const r = runFixture(
      `import { main, go, Mutex, RWMutex, WaitGroup, chan } from './runtime/index.js';
       main(async () => {
         const mu = new Mutex(), rw = new RWMutex(), wg = new WaitGroup();
         await mu.lock();
         await rw.lock();
         wg.add(1);
         go(async () => { await mu.lock(); });
         go(async () => { await rw.rLock(); });
         go(async () => { await wg.wait(); });
         await chan().recv();
       });`,
      { eval: true },
    );
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n').filter((l) => l.startsWith('goroutine '))).toEqual([
      'goroutine 1 [chan receive]:',
      'goroutine 2 [sync.Mutex.Lock]:',
      'goroutine 3 [sync.RWMutex.RLock]:',
      'goroutine 4 [sync.WaitGroup.Wait]:',
    ]);
  });

  it('reports an empty select as "select (no cases)"', () => {
    const r = runFixture(`${rt} main(async () => { await select([]); });`, { eval: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('goroutine 1 [select (no cases)]:');
  });

  it('ends the program when the main goroutine returns, abandoning parked goroutines (exit 0)', () => {
    const r = runFixture(
      `${rt}
       main(async () => {
         go(async () => { await chan().recv(); });
         go(async () => { await sleep(3_600_000); });
         await sleep(10);
         console.log('main done');
       });`,
      { eval: true },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('main done\n');
    expect(r.ms).toBeLessThan(15_000);
  });

  it('keeps running while a goroutine sleeps: sleeping is not a deadlock', () => {
    const r = runFixture(
      `${rt}
       main(async () => {
         const c = chan();
         go(async () => { await sleep(200); await c.send('late'); });
         console.log(await c.recv());
       });`,
      { eval: true },
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('late\n');
  });

  it('turns a throw of the main goroutine into a panic of goroutine 1', () => {
    const r = runFixture(`${rt} main(async () => { throw new Error('bad main'); });`, { eval: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^panic: bad main\n\ngoroutine 1 \[running\]:\n/);
  });

  it('respects process.exitCode set by the program', () => {
    const r = runFixture(`${rt} main(async () => { process.exitCode = 3; });`, { eval: true });
    expect(r.code).toBe(3);
  });

  it('rejects a second call', () => {
    const r = runFixture(
      `${rt} main(async () => {}); try { main(async () => {}); } catch (e) { console.log(e.name, e.message); }`,
      { eval: true },
    );
    expect(r.stdout).toBe('InvalidArgumentError main: called twice (a program has one main goroutine)\n');
  });
});
