import { afterEach, describe, expect, it } from 'vitest';
import { chan, go, InvalidArgumentError, setPanicHandler, synctest } from '../../runtime/index.js';
import { runFixture } from '../fixtures/run.js';

afterEach(() => {
  setPanicHandler(null);
});

describe('go', () => {
  it('starts the goroutine after the caller continues', async () => {
    const order: string[] = [];
    const done = chan<void>();
    go(async () => {
      order.push('goroutine');
      await done.send();
    });
    order.push('caller');
    await done.recv();
    expect(order).toEqual(['caller', 'goroutine']);
  });

  it('passes its arguments, evaluated at the call', async () => {
    const out = chan<number>();
    let x = 1;
    go(async (a: number, b: number) => out.send(a + b), x, 2);
    x = 100;
    expect(await out.recv()).toBe(3);
    expect(x).toBe(100);
  });

  it('runs plain (non-async) functions too', async () => {
    const c = chan<number>(1);
    go((v: number) => c.trySend(v), 7);
    expect(await c.recv()).toBe(7);
  });

  it('rejects a non-function with a named error', () => {
    expect(() => go(42 as unknown as () => void)).toThrow(InvalidArgumentError);
    expect(() => go(42 as unknown as () => void)).toThrow('go: fn must be a function, got 42');
  });
});

describe('panics', () => {
  it('hands an unrecovered throw and the goroutine id to the installed handler', async () => {
    const got = chan<[unknown, number]>(2);
    setPanicHandler((e, id) => void got.trySend([e, id]));
    go(async () => {
      throw new Error('boom');
    });
    go(() => {
      throw 'sync boom';
    });
    // The synchronous throw is seen first: the async one surfaces through its promise a microtask later.
    const seen = [(await got.recv())!, (await got.recv())!].sort((a, b) => a[1] - b[1]);
    const [[e1, id1], [e2, id2]] = seen as [[unknown, number], [unknown, number]];
    expect((e1 as Error).message).toBe('boom');
    expect(e2).toBe('sync boom');
    expect(id1).toBeGreaterThan(1);
    expect(id2).toBe(id1 + 1);
  });

  it('setPanicHandler returns the previous handler', () => {
    const h = (): void => {};
    expect(setPanicHandler(h)).toBeNull();
    expect(setPanicHandler(null)).toBe(h);
  });

  it('setPanicHandler refuses anything but a function or null, and keeps the handler in place', () => {
    const h = (): void => {};
    setPanicHandler(h);
    for (const [bad, shown] of [
      ['x', '"x"'],
      [undefined, 'undefined'],
      [{}, '{}'],
      [42, '42'],
    ] as const) {
      expect(() => setPanicHandler(bad as never)).toThrow(InvalidArgumentError);
      expect(() => setPanicHandler(bad as never)).toThrow(
        `setPanicHandler: handler must be a function or null, got ${shown}`,
      );
    }
    expect(setPanicHandler(null)).toBe(h);
  });

  it('fails a synctest bubble with the panic instead of exiting', async () => {
    await expect(
      synctest.run(async () => {
        go(async () => {
          throw new Error('inside');
        });
        await chan<void>().recv();
      }),
    ).rejects.toThrow('inside');
  });

  it("prints Go's report and exits with code 2 when no handler is installed", () => {
    const r = runFixture(
      `import { go, chan } from './runtime/index.js';
       function explode() { const c = chan(); c.close(); c.close(); }
       go(async () => { explode(); });`,
      { eval: true },
    );
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^panic: close of closed channel\n\ngoroutine \d+ \[running\]:\n\tat /);
    expect(r.stderr).toContain('explode');
  });

  it('prints a non-Error panic value as Go prints it', () => {
    const r = runFixture(`import { go } from './runtime/index.js'; go(() => { throw 'plain string'; });`, { eval: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^panic: plain string\n\ngoroutine \d+ \[running\]:\n/);
  });
});

describe('importing gocsp', () => {
  it('installs nothing process-wide', () => {
    const events = ['beforeExit', 'exit', 'uncaughtException', 'unhandledRejection', 'SIGINT'];
    const r = runFixture(
      `const ev = ${JSON.stringify(events)};
       const before = ev.map((e) => process.listenerCount(e));
       await import('./index.js');
       const after = ev.map((e) => process.listenerCount(e));
       console.log(JSON.stringify(before) === JSON.stringify(after));`,
      { eval: true },
    );
    expect(r.stdout).toBe('true\n');
    expect(r.code).toBe(0);
  });
});
