import { afterEach, describe, expect, it } from 'vitest';
import { go, synctest, sleep, background, withCancel, setPanicHandler } from '../../../runtime/index.js';
import { CircuitBreaker, type StateChange } from '../../../patterns/index.js';
import { boom, ok, outcome } from './helpers.js';

const arrow = (c: StateChange): string => `${c.from}->${c.to}`;

describe('CircuitBreaker.onStateChange', () => {
  afterEach(() => {
    setPanicHandler(null);
  });

  it('calls listeners synchronously, in subscription order, after the state changed', async () => {
    const b = new CircuitBreaker({ failureThreshold: 1 });
    const log: string[] = [];
    b.onStateChange((c) => log.push(`1:${arrow(c)}:${b.getState()}`));
    b.onStateChange((c) => log.push(`2:${arrow(c)}`));
    const p = b.call(boom);
    expect(log).toEqual([]); // the failure has not happened yet
    await outcome(p);
    expect(log).toEqual(['1:closed->open:open', '2:closed->open']);
  });

  it('stops calling a listener once unsubscribed; unsubscribing twice is harmless', () => {
    const b = new CircuitBreaker();
    const log: string[] = [];
    const f = (c: StateChange): void => void log.push(arrow(c));
    const stop1 = b.onStateChange(f);
    const stop2 = b.onStateChange(f); // the same function twice: two subscriptions
    b.forceOpen();
    stop1();
    stop1();
    b.forceClose();
    stop2();
    b.forceOpen();
    expect(log).toEqual(['closed->forced-open', 'closed->forced-open', 'forced-open->closed']);
  });

  it('lets a listener unsubscribe itself while being called', () => {
    const b = new CircuitBreaker();
    const log: string[] = [];
    const stop = b.onStateChange(() => {
      log.push('a');
      stop();
    });
    b.onStateChange(() => log.push('b'));
    b.forceOpen();
    b.forceClose();
    expect(log).toEqual(['a', 'b', 'b']);
  });

  it('reports a throwing listener as a panic, and still calls the others and changes state', async () => {
    const panics: unknown[] = [];
    setPanicHandler((e) => panics.push(e));
    const b = new CircuitBreaker();
    const log: string[] = [];
    b.onStateChange(() => {
      throw new Error('listener bug');
    });
    b.onStateChange((c) => log.push(arrow(c)));
    b.forceOpen();
    expect(b.getState()).toBe('forced-open');
    expect(log).toEqual(['closed->forced-open']);
    await new Promise((r) => setTimeout(r, 0));
    expect(panics).toEqual([new Error('listener bug')]);
  });

  it('rejects a listener that is not a function', () => {
    const b = new CircuitBreaker();
    expect(() => b.onStateChange(5 as never)).toThrow('CircuitBreaker.onStateChange: fn must be a function, got 5');
  });
});

describe('CircuitBreaker.stateChanges', () => {
  it('delivers every change to a receiving goroutine', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker({ failureThreshold: 1, recoveryTimeout: 100 });
      const [ctx, cancel] = withCancel(background());
      const got: string[] = [];
      const ch = b.stateChanges(ctx);
      const done = (async () => {
        for await (const c of ch) got.push(`${arrow(c)}:${c.reason}`);
      })();
      await outcome(b.call(boom));
      await sleep(100);
      await b.call(ok);
      cancel();
      await done; // the channel is closed on cancel
      expect(got).toEqual(['closed->open:failure-threshold', 'open->half-open:recovery-timeout', 'half-open->closed:probes-succeeded']);
    });
  });

  it('never blocks the breaker: a subscriber that does not receive keeps only the newest changes', async () => {
    const b = new CircuitBreaker();
    const ch = b.stateChanges(undefined, 2);
    for (let i = 0; i < 5; i++) {
      b.forceOpen();
      b.forceClose();
    }
    expect(ch.len()).toBe(2);
    expect(arrow(ch.tryRecv()!.value!)).toBe('closed->forced-open');
    expect(arrow(ch.tryRecv()!.value!)).toBe('forced-open->closed');
    expect(ch.tryRecv()).toBeUndefined();
  });

  it('defaults to a buffer of 16', () => {
    expect(new CircuitBreaker().stateChanges().cap()).toBe(16);
  });

  it('closes the channel and stops sending when an AbortSignal aborts', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker();
      const ac = new AbortController();
      const ch = b.stateChanges(ac.signal, 4);
      b.forceOpen();
      ac.abort();
      await synctest.wait();
      b.forceClose();
      expect(ch.tryRecv()?.value?.to).toBe('forced-open');
      expect(ch.tryRecv()).toEqual({ value: undefined, ok: false });
    });
  });

  it('returns a closed channel for a cancel that is already done', () => {
    const ac = new AbortController();
    ac.abort();
    const ch = new CircuitBreaker().stateChanges(ac.signal);
    expect(ch.tryRecv()).toEqual({ value: undefined, ok: false });
  });

  it('serves several subscribers independently', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker();
      const [ctx, cancel] = withCancel(background());
      const lagging = b.stateChanges(undefined, 1);
      const fast = b.stateChanges(ctx, 1);
      const got: string[] = [];
      go(async () => {
        for await (const c of fast) got.push(arrow(c));
      });
      await synctest.wait();
      b.forceOpen();
      await synctest.wait();
      b.forceClose();
      await synctest.wait();
      cancel();
      expect(got).toEqual(['closed->forced-open', 'forced-open->closed']);
      expect(arrow((await lagging.recv())!)).toBe('forced-open->closed');
    });
  });

  it('rejects a bad size', () => {
    const b = new CircuitBreaker();
    expect(() => b.stateChanges(undefined, 0)).toThrow('CircuitBreaker.stateChanges: size must be an integer >= 1, got 0');
    expect(() => b.stateChanges(undefined, Number.NaN)).toThrow('got NaN');
  });
});
