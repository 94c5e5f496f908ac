import { describe, expect, it } from 'vitest';
import { runFixture } from '../../fixtures/run.js';

const rt = `import * as g from './runtime/index.js';`;

// Behaviour, not performance: the bounds are far below the hour a leaked timer would hold the process.
describe('context deadlines and process lifetime', () => {
  it('lets the process exit while an abandoned withTimeout(1 hour) is pending', () => {
    const r = runFixture(
      `${rt}
       const [ctx] = g.withTimeout(g.background(), 3_600_000);
       const [child] = g.withCancel(ctx);
       const v = g.withValue(child, 'k', 1);
       void v.signal;
       console.log('done', ctx.err());`,
      { eval: true },
    );
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('done null\n');
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('lets the process exit once the goroutine that waited on done has left', () => {
    const r = runFixture(
      `${rt}
       const [ctx] = g.withTimeout(g.background(), 3_600_000);
       const ch = g.chan(1);
       g.go(async () => {
         const v = await g.select([g.recvCase(ctx.done(), () => 'ctx'), g.recvCase(ch, (x) => x)]);
         console.log(v);
       });
       setTimeout(() => ch.trySend('value'), 50);`,
      { eval: true },
    );
    expect(r.stdout).toBe('value\n');
    expect(r.code).toBe(0);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('keeps the process alive while a goroutine is parked on done, until the deadline', () => {
    const r = runFixture(
      `${rt}
       const t0 = performance.now();
       const [ctx] = g.withTimeout(g.background(), 300);
       g.go(async () => {
         await ctx.done().recv();
         console.log('woke', performance.now() - t0 >= 295, ctx.err().message);
       });`,
      { eval: true },
    );
    expect(r.stdout).toBe('woke true context deadline exceeded\n');
    expect(r.code).toBe(0);
  });

  it('keeps the process alive while a goroutine waits on a descendant of the deadline context', () => {
    const r = runFixture(
      `${rt}
       const t0 = performance.now();
       const [ctx] = g.withTimeout(g.background(), 300);
       const [child] = g.withCancel(g.withValue(ctx, 'k', 1));
       g.go(async () => {
         await g.select([g.recvCase(child.done())]);
         console.log('woke', performance.now() - t0 >= 295, child.err().message);
       });`,
      { eval: true },
    );
    expect(r.stdout).toBe('woke true context deadline exceeded\n');
  });

  it('keeps the process alive for a registered afterFunc, and not once it is stopped', () => {
    const kept = runFixture(
      `${rt}
       const t0 = performance.now();
       const [ctx] = g.withTimeout(g.background(), 300);
       g.afterFunc(ctx, () => console.log('after', performance.now() - t0 >= 295));`,
      { eval: true },
    );
    expect(kept.stdout).toBe('after true\n');
    const stopped = runFixture(
      `${rt}
       const [ctx] = g.withTimeout(g.background(), 3_600_000);
       const stop = g.afterFunc(ctx, () => console.log('never'));
       console.log('stopped', stop());`,
      { eval: true },
    );
    expect(stopped.stdout).toBe('stopped true\n');
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);
  });
});
