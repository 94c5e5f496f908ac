import { describe, expect, it } from 'vitest';
import { runFixture } from '../../fixtures/run.js';

const rt = `import * as g from './runtime/index.js';`;

describe('timers and process lifetime', () => {
  it('lets the process exit while a timer nobody waits on is pending', () => {
    const r = runFixture(`${rt} g.after(3_600_000); g.newTicker(3_600_000); g.newTimer(3_600_000); console.log('done');`, {
      eval: true,
    });
    expect(r.stdout).toBe('done\n');
    expect(r.code).toBe(0);
  });

  it('lets the process exit after selects that lost against after(1 hour)', () => {
    const r = runFixture(
      `${rt}
       const ch = g.chan(1);
       for (let i = 0; i < 1000; i++) {
         g.go(async () => { await ch.send(i); });
         await g.select([g.recvCase(ch), g.recvCase(g.after(3_600_000))]);
       }
       console.log('done');`,
      { eval: true },
    );
    expect(r.stdout).toBe('done\n');
    expect(r.code).toBe(0);
  });

  it('keeps the process alive while a goroutine sleeps', () => {
    const r = runFixture(`${rt} const t0 = Date.now(); g.go(async () => { await g.sleep(300); console.log('woke', Date.now() - t0 >= 295); });`, {
      eval: true,
    });
    expect(r.stdout).toBe('woke true\n');
  });

  it('keeps the process alive while a goroutine is parked on a timer channel', () => {
    const r = runFixture(
      `${rt} g.go(async () => { const v = await g.select([g.recvCase(g.chan()), g.recvCase(g.after(300), () => 'timeout')]); console.log(v); });`,
      { eval: true },
    );
    expect(r.stdout).toBe('timeout\n');
  });

  it('keeps the process alive until a pending Timer.afterFunc has run', () => {
    const r = runFixture(`${rt} g.Timer.afterFunc(200, () => console.log('ran'));`, { eval: true });
    expect(r.stdout).toBe('ran\n');
    expect(r.code).toBe(0);
  });

  it('lets the process exit once a Timer.afterFunc is stopped', () => {
    const r = runFixture(
      `${rt} const t = g.Timer.afterFunc(3_600_000, () => console.log('ran')); console.log(t.stop()); g.Timer.afterFunc(50, () => console.log('other')).stop();`,
      { eval: true },
    );
    expect(r.stdout).toBe('true\n');
    expect(r.code).toBe(0);
  });

  it('does not report a deadlock while main waits for what a pending Timer.afterFunc will send', () => {
    const r = runFixture(
      `${rt} g.main(async () => { const ch = g.chan(); g.Timer.afterFunc(100, () => ch.send('sent by f')); console.log(await ch.recv()); });`,
      { eval: true },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('sent by f\n');
    expect(r.code).toBe(0);
  });

  it('reports the deadlock once the Timer.afterFunc that main waited for is stopped', () => {
    const r = runFixture(
      `${rt} g.main(async () => { const ch = g.chan(); g.Timer.afterFunc(100, () => ch.send(1)).stop(); await ch.recv(); });`,
      { eval: true },
    );
    expect(r.stderr).toContain('fatal error: all goroutines are asleep - deadlock!');
    expect(r.stderr).toContain('goroutine 1 [chan receive]:');
    expect(r.code).toBe(2);
  });
});
