import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  background,
  Canceled,
  cause,
  chan,
  go,
  InvalidArgumentError,
  recvCase,
  select,
  sendCase,
  synctest,
  withCancel,
  withCancelCause,
  withValue,
  type Context,
} from '../../../runtime/index.js';
import { childCount } from '../../../runtime/context/cancel-ctx.js';

describe('withCancel', () => {
  it('closes done and sets err to Canceled when cancel is called', async () => {
    const [ctx, cancel] = withCancel(background());
    const done = ctx.done()!;
    expect(done).not.toBeNull();
    expect(ctx.err()).toBeNull();
    expect(done.tryRecv()).toBeUndefined();
    cancel();
    expect(ctx.err()).toBe(Canceled);
    expect(done.tryRecv()).toEqual({ value: undefined, ok: false });
    expect(await done.recv()).toBeUndefined();
    expect(await done.recvOk()).toEqual({ value: undefined, ok: false });
    expect(cause(ctx)).toBe(Canceled);
  });

  it('returns the same done channel on every call, before and after cancel', () => {
    const [ctx, cancel] = withCancel(background());
    const d = ctx.done();
    cancel();
    expect(ctx.done()).toBe(d);
    const [late, cancelLate] = withCancel(background());
    cancelLate(); // done never asked for before cancel
    expect(late.done()).toBe(late.done());
    expect(late.done()!.tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('wakes every goroutine parked on done, through recv, select and for-await', async () => {
    await synctest.run(async () => {
      const [ctx, cancel] = withCancel(background());
      const woke: string[] = [];
      go(async () => {
        await ctx.done()!.recv();
        woke.push('recv');
      });
      go(async () => {
        woke.push(await select([recvCase(chan<number>(), () => 'chan'), recvCase(ctx.done(), () => 'select')]));
      });
      go(async () => {
        for await (const _ of ctx.done()!) throw new Error('done never yields a value');
        woke.push('for-await');
      });
      await synctest.wait();
      expect(woke).toEqual([]);
      cancel();
      await synctest.wait();
      expect(woke.sort()).toEqual(['for-await', 'recv', 'select']);
    });
  });

  it('makes err() non-null exactly when done is closed', async () => {
    await synctest.run(async () => {
      const [ctx, cancel] = withCancel(background());
      let seen: Error | null | 'unset' = 'unset';
      go(async () => {
        await ctx.done()!.recv();
        seen = ctx.err();
      });
      await synctest.wait();
      expect(ctx.err()).toBeNull();
      cancel();
      expect(ctx.err()).toBe(Canceled);
      await synctest.wait();
      expect(seen).toBe(Canceled);
    });
  });

  it('is idempotent: calls after the first do nothing', () => {
    const [ctx, cancel] = withCancelCause(background());
    cancel(new Error('first'));
    cancel(new Error('second'));
    expect(ctx.err()).toBe(Canceled);
    expect((cause(ctx) as Error).message).toBe('first');
  });

  it('cancels every descendant, with the parent err and cause', () => {
    const [root, cancel] = withCancelCause(background());
    const [a] = withCancel(root);
    const b = withValue(a, 'k', 1);
    const [c] = withCancel(b);
    const [d] = withCancelCause(c);
    const why = new Error('shutdown');
    cancel(why);
    for (const ctx of [root, a, b, c, d]) {
      expect(ctx.err()).toBe(Canceled);
      expect(cause(ctx)).toBe(why);
      expect(ctx.done()!.tryRecv()).toEqual({ value: undefined, ok: false });
    }
  });

  it('does not cancel the parent or siblings when a child is canceled', () => {
    const [parent] = withCancel(background());
    const [a, cancelA] = withCancel(parent);
    const [b] = withCancel(parent);
    cancelA();
    expect(a.err()).toBe(Canceled);
    expect(parent.err()).toBeNull();
    expect(b.err()).toBeNull();
  });

  it('gives a child of an already-canceled parent the parent err and cause at once', () => {
    const [parent, cancel] = withCancelCause(background());
    const why = new Error('gone');
    cancel(why);
    const [child] = withCancel(parent);
    expect(child.err()).toBe(Canceled);
    expect(cause(child)).toBe(why);
    expect(childCount(parent)).toBe(0);
  });

  it('detaches a canceled child from its parent: 100,000 withCancel+cancel leave no registration', () => {
    const [parent, cancelParent] = withCancel(background());
    for (let i = 0; i < 100_000; i++) {
      const [, cancel] = withCancel(parent);
      if (i === 0) expect(childCount(parent)).toBe(1);
      cancel();
    }
    expect(childCount(parent)).toBe(0);
    const [, cancelLive] = withCancel(withValue(parent, 'k', 'v'));
    expect(childCount(parent)).toBe(1);
    cancelLive();
    expect(childCount(parent)).toBe(0);
    cancelParent();
  });

  it('registers children of a value context with the nearest cancelable ancestor', () => {
    const [parent] = withCancel(background());
    const v = withValue(parent, 'k', 'v');
    const [, cancel] = withCancel(v);
    expect(childCount(parent)).toBe(1);
    cancel();
    expect(childCount(parent)).toBe(0);
  });

  it('keeps deadline and values of the parent', () => {
    const key = {};
    const [ctx] = withCancel(withValue(background(), key, 'v'));
    expect(ctx.value(key)).toBe('v');
    expect(ctx.deadline()).toBeUndefined();
    expect(String(ctx)).toBe('context.Background.WithValue({}, "v").WithCancel');
  });

  it('refuses a send on its done channel', () => {
    const [ctx] = withCancel(background());
    const done = ctx.done() as unknown as Parameters<typeof sendCase>[0];
    expect(() => select([sendCase(done, 1 as never)], () => 0)).toThrow(InvalidArgumentError);
    expect(() => select([sendCase(done, 1 as never)], () => 0)).toThrow(
      'select: cannot send to a context done channel',
    );
  });

  it('has len and cap 0 on its done channel', () => {
    const [ctx] = withCancel(background());
    expect(ctx.done()!.len()).toBe(0);
    expect(ctx.done()!.cap()).toBe(0);
  });
});

describe('withCancelCause and cause', () => {
  it('records the cause and keeps err Canceled', () => {
    const [ctx, cancel] = withCancelCause(background());
    expect(cause(ctx)).toBeNull();
    const why = new Error('upstream gone');
    cancel(why);
    expect(ctx.err()).toBe(Canceled);
    expect(cause(ctx)).toBe(why);
  });

  it('uses Canceled as the cause when none is given', () => {
    for (const why of [undefined, null]) {
      const [ctx, cancel] = withCancelCause(background());
      cancel(why);
      expect(cause(ctx)).toBe(Canceled);
    }
    const [ctx, cancel] = withCancelCause(background());
    cancel();
    expect(cause(ctx)).toBe(Canceled);
  });

  it('keeps a child cause set before the parent is canceled (Go doc example)', () => {
    const [parent, cancelParent] = withCancelCause(background());
    const [child, cancelChild] = withCancelCause(parent);
    const cause1 = new Error('cause1');
    const cause2 = new Error('cause2');
    cancelChild(cause2);
    cancelParent(cause1);
    expect(cause(parent)).toBe(cause1);
    expect(cause(child)).toBe(cause2);
  });

  it('ignores a child cause given after the parent was canceled (Go doc example)', () => {
    const [parent, cancelParent] = withCancelCause(background());
    const [child, cancelChild] = withCancelCause(parent);
    const cause1 = new Error('cause1');
    cancelParent(cause1);
    cancelChild(new Error('cause2'));
    expect(cause(parent)).toBe(cause1);
    expect(cause(child)).toBe(cause1);
  });

  it('finds the cause through value contexts', () => {
    const [ctx, cancel] = withCancelCause(background());
    const v = withValue(ctx, 'k', 1);
    cancel('a string cause');
    expect(cause(v)).toBe('a string cause');
  });

  it('falls back to err() for a foreign context', () => {
    const foreign: Context = {
      done: () => null,
      err: () => Canceled,
      deadline: () => undefined,
      value: () => undefined,
      signal: AbortSignal.abort(),
    };
    expect(cause(foreign)).toBe(Canceled);
  });

  it('rejects a value that is not a context', () => {
    expect(() => cause(null as unknown as Context)).toThrow(InvalidArgumentError);
    expect(() => cause(null as unknown as Context)).toThrow('cause: ctx must be a Context, got null');
  });
});

describe('context constructors with a bad parent', () => {
  it('throw InvalidArgumentError with Go text for a nil parent, naming the function', () => {
    expect(() => withCancel(null as unknown as Context)).toThrow(InvalidArgumentError);
    expect(() => withCancel(null as unknown as Context)).toThrow(
      'cannot create context from nil parent (withCancel: parent must be a Context, got null)',
    );
    expect(() => withCancelCause(undefined as unknown as Context)).toThrow(
      'cannot create context from nil parent (withCancelCause: parent must be a Context, got undefined)',
    );
  });

  it('throw InvalidArgumentError for a value that is not a context', () => {
    expect(() => withCancel({} as Context)).toThrow('withCancel: parent must be a Context, got {}');
    expect(() => withCancel(42 as unknown as Context)).toThrow('withCancel: parent must be a Context, got 42');
  });
});

describe('a foreign parent (a Context implemented outside gocsp)', () => {
  function foreignCtx(): [Context, (reason?: unknown) => void] {
    const ac = new AbortController();
    const d = chan<never>();
    let err: Error | null = null;
    const ctx: Context = {
      done: () => d,
      err: () => err,
      deadline: () => undefined,
      value: (k) => (k === 'who' ? 'foreign' : undefined),
      signal: ac.signal,
    };
    return [
      ctx,
      (reason) => {
        err = Canceled;
        d.close();
        ac.abort(reason);
      },
    ];
  }

  it('cancels gocsp children through its signal', () => {
    const [parent, cancelParent] = foreignCtx();
    const [child] = withCancel(parent);
    expect(child.value('who')).toBe('foreign');
    cancelParent();
    expect(child.err()).toBe(Canceled);
    expect(cause(child)).toBe(Canceled);
  });

  it('removes its abort listener when the child is canceled first', () => {
    const [parent] = foreignCtx();
    for (let i = 0; i < 100; i++) withCancel(parent)[1]();
    expect(getEventListeners(parent.signal, 'abort')).toHaveLength(0);
  });
});
