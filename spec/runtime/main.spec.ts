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
    // Each goroutine shows where it parked (user frames only).
    expect(r.stderr).toMatch(/goroutine 1 \[chan receive\]:\n\tat /);
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
