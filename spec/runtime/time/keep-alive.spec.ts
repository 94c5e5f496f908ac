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
});
