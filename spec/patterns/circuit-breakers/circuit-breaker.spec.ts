import { describe, expect, it } from 'vitest';
import {
  go,
  synctest,
  nowMillis,
  sleep,
  background,
  withCancel,
  Canceled,
  isCanceled,
} from '../../../runtime/index.js';
import {
  CircuitBreaker,
  BrokenCircuitError,
  CircuitHalfOpenError,
  isBrokenCircuitError,
  isCircuitHalfOpenError,
  isCircuitRejection,
  wrap,
  type CircuitBreakerConfig,
} from '../../../patterns/index.js';
import { boom, caught, ok, outcome, slow, times } from './helpers.js';

const RT = 1000; // recoveryTimeout used throughout

/** tripped makes a breaker and opens it with `failureThreshold` failures; it returns the breaker and the instant. */
async function tripped(config: Partial<CircuitBreakerConfig> = {}): Promise<[CircuitBreaker, number]> {
  const b = new CircuitBreaker({ failureThreshold: 3, recoveryTimeout: RT, ...config });
  await times(3, () => b.call(boom));
  expect(b.getState()).toBe('open');
  return [b, nowMillis()];
}

describe('CircuitBreaker: closed', () => {
  it('passes calls through and settles as they do', async () => {
    const b = new CircuitBreaker();
    expect(await b.call(ok)).toBe('ok');
    expect(await b.call(() => 42)).toBe(42);
    await expect(b.call(boom)).rejects.toThrow('boom');
    await expect(
      b.call(() => {
        throw new Error('sync');
      }),
    ).rejects.toThrow('sync');
    expect(b.getState()).toBe('closed');
    expect(b.isClosed()).toBe(true);
  });

  it('opens on failureThreshold consecutive failures, not before', async () => {
    const b = new CircuitBreaker({ failureThreshold: 3 });
    expect(await times(2, () => b.call(boom))).toEqual(['boom', 'boom']);
    expect(b.isClosed()).toBe(true);
    await b.call(ok); // a success resets the count
    expect(await times(2, () => b.call(boom))).toEqual(['boom', 'boom']);
    expect(b.isClosed()).toBe(true);
    await outcome(b.call(boom));
    expect(b.isOpen()).toBe(true);
    expect(b.getMetrics().transitions.map((t) => t.reason)).toEqual(['failure-threshold']);
  });

  it('defaults to failureThreshold 5', async () => {
    const b = new CircuitBreaker();
    await times(4, () => b.call(boom));
    expect(b.isClosed()).toBe(true);
    await outcome(b.call(boom));
    expect(b.isOpen()).toBe(true);
  });
});

describe('CircuitBreaker: what fn may return', () => {
  it('accepts a thenable that is not a native promise', async () => {
    const b = new CircuitBreaker({ failureThreshold: 1 });
    const thenable = { then: (res: (v: number) => void) => res(7) };
    expect(await b.call(() => thenable as unknown as Promise<number>)).toBe(7);
    const failing = { then: (_: unknown, rej: (e: Error) => void) => rej(new Error('thenable')) };
    expect(await outcome(b.call(() => failing as unknown as Promise<number>))).toBe('thenable');
    expect(b.isOpen()).toBe(true);
  });

  it('counts a synchronous throw as a failure on the slow-call path too', async () => {
    const b = new CircuitBreaker({ failureThreshold: 1, slowCallDuration: 100 });
    expect(
      await outcome(
        b.call(() => {
          throw new Error('sync');
        }),
      ),
    ).toBe('sync');
    expect(b.isOpen()).toBe(true);
  });
});

describe('CircuitBreaker: open', () => {
  it('rejects at once without running fn, with the time left until half-open', async () => {
    await synctest.run(async () => {
      const [b] = await tripped();
      await sleep(300);
      let ran = false;
      const e = await caught(
        b.call(async () => {
          ran = true;
        }),
      );
      expect(ran).toBe(false);
      expect(e).toBeInstanceOf(BrokenCircuitError);
      expect(isBrokenCircuitError(e)).toBe(true);
      expect(isCircuitRejection(e)).toBe(true);
      expect(e).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', remainingMs: 700, forced: false });
      expect((e as Error).message).toBe('circuit breaker is open: half-open in 700 ms');
      expect(b.getMetrics().rejections).toBe(1);
    });
  });

  it('turns half-open exactly recoveryTimeout after opening, at the next read', async () => {
    await synctest.run(async () => {
      const [b, t] = await tripped();
      const seen: string[] = [];
      b.onStateChange((c) => seen.push(`${c.from}->${c.to}@${c.at - t}`));
      await sleep(RT - 1);
      expect(b.getState()).toBe('open');
      expect(b.isOpen()).toBe(true);
      expect(seen).toEqual([]);
      await sleep(1);
      expect(seen).toEqual([]); // lazy: no timer fired
      expect(b.isHalfOpen()).toBe(true);
      expect(seen).toEqual([`open->half-open@${RT}`]);
    });
  });

  it('records the half-open transition at the instant it fell due, even when read later', async () => {
    await synctest.run(async () => {
      const [b, t] = await tripped();
      await sleep(5 * RT);
      expect(await b.call(ok)).toBe('ok'); // the call is the read, and the probe
      const ts = b.getMetrics().transitions;
      expect(ts.map((c) => [c.from, c.to, c.at - t, c.reason])).toEqual([
        ['closed', 'open', 0, 'failure-threshold'],
        ['open', 'half-open', RT, 'recovery-timeout'],
        ['half-open', 'closed', 5 * RT, 'probes-succeeded'],
      ]);
    });
  });
});

describe('CircuitBreaker: half-open', () => {
  it('closes after a successful probe (halfOpenMaxRequests 1)', async () => {
    await synctest.run(async () => {
      const [b] = await tripped();
      await sleep(RT);
      expect(await b.call(ok)).toBe('ok');
      expect(b.getState()).toBe('closed');
      // and the failure count starts afresh
      await times(2, () => b.call(boom));
      expect(b.isClosed()).toBe(true);
    });
  });

  it('re-opens on a failed probe, from that instant', async () => {
    await synctest.run(async () => {
      const [b] = await tripped();
      await sleep(RT);
      await sleep(50);
      expect(await outcome(b.call(slow(20, true)))).toBe('boom');
      const t = nowMillis();
      expect(b.getState()).toBe('open');
      expect(b.getMetrics().openedAt).toBe(t);
      expect(b.getMetrics().transitions.at(-1)?.reason).toBe('probe-failure');
      await sleep(RT - 1);
      expect(b.isOpen()).toBe(true);
      await sleep(1);
      expect(b.isHalfOpen()).toBe(true);
    });
  });

  it('admits at most halfOpenMaxRequests probes at once; the others get CircuitHalfOpenError at once', async () => {
    await synctest.run(async () => {
      const [b] = await tripped({ halfOpenMaxRequests: 2 });
      await sleep(RT);
      let ran = 0;
      const probe = async (): Promise<string> => {
        ran++;
        await sleep(100);
        return 'ok';
      };
      const p1 = b.call(probe);
      const p2 = b.call(probe);
      const e = await caught(b.call(probe));
      expect(e).toBeInstanceOf(CircuitHalfOpenError);
      expect(isCircuitHalfOpenError(e)).toBe(true);
      expect(isCircuitRejection(e)).toBe(true);
      expect(e).toMatchObject({ code: 'ERR_CIRCUIT_HALF_OPEN', probes: 2 });
      expect((e as Error).message).toBe('circuit breaker is half-open: 2 probes already in flight');
      expect(ran).toBe(2);
      expect(await Promise.all([p1, p2])).toEqual(['ok', 'ok']);
      expect(b.getState()).toBe('closed'); // both probes succeeded
      expect(b.getMetrics()).toMatchObject({ rejections: 1, calls: 5 });
    });
  });

  it('stays half-open until every one of halfOpenMaxRequests probes has succeeded', async () => {
    await synctest.run(async () => {
      const [b] = await tripped({ halfOpenMaxRequests: 3 });
      await sleep(RT);
      await b.call(ok);
      await b.call(ok);
      expect(b.getState()).toBe('half-open');
      await b.call(ok);
      expect(b.getState()).toBe('closed');
    });
  });

  it('closes after successThreshold successes, which may exceed halfOpenMaxRequests (probes in sequence)', async () => {
    await synctest.run(async () => {
      const [b] = await tripped({ halfOpenMaxRequests: 1, successThreshold: 3 });
      await sleep(RT);
      const p = b.call(slow(10));
      expect(await outcome(b.call(ok))).toBe('ERR_CIRCUIT_HALF_OPEN'); // one probe at a time
      await p;
      await b.call(ok);
      expect(b.getState()).toBe('half-open');
      await b.call(ok);
      expect(b.getState()).toBe('closed');
    });
  });

  it('closes after successThreshold successes while other probes still run; their results are late', async () => {
    await synctest.run(async () => {
      const [b] = await tripped({ halfOpenMaxRequests: 3, successThreshold: 1 });
      await sleep(RT);
      const late = b.call(slow(100, true));
      await b.call(ok);
      expect(b.getState()).toBe('closed');
      expect(await outcome(late)).toBe('boom');
      expect(b.getState()).toBe('closed');
      expect(b.getMetrics()).toMatchObject({ lateResults: 1, consecutiveFailures: 0 });
    });
  });

  it('frees the probe slot of an error isFailure does not count, without closing or opening', async () => {
    await synctest.run(async () => {
      const [b] = await tripped({ isFailure: (e) => (e as Error).message !== 'not found' });
      await sleep(RT);
      const notFound = async (): Promise<never> => {
        throw new Error('not found');
      };
      expect(await outcome(b.call(notFound))).toBe('not found');
      expect(b.getState()).toBe('half-open');
      expect(await b.call(ok)).toBe('ok'); // the slot was freed
      expect(b.getState()).toBe('closed');
    });
  });

  it('presumes probes lost when every slot stays taken for recoveryTimeout, and re-opens at that instant', async () => {
    await synctest.run(async () => {
      const [b, t] = await tripped();
      await sleep(RT);
      const hung = b.call(slow(10 * RT)); // admitted at t+RT, never settles in time
      await sleep(RT - 1);
      expect(await outcome(b.call(ok))).toBe('ERR_CIRCUIT_HALF_OPEN');
      await sleep(1);
      const e = await caught(b.call(ok));
      expect(e).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', remainingMs: RT });
      const last = b.getMetrics().transitions.at(-1)!;
      expect([last.from, last.to, last.at - t, last.reason]).toEqual(['half-open', 'open', 2 * RT, 'probe-timeout']);
      await sleep(RT);
      expect(await b.call(ok)).toBe('ok'); // a fresh round of probes
      expect(b.getState()).toBe('closed');
      expect(await hung).toBe('ok');
      expect(b.getMetrics().lateResults).toBe(1);
    });
  });
});

describe('CircuitBreaker: generations', () => {
  it('ignores a result that arrives after the breaker changed state', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker({ failureThreshold: 3, recoveryTimeout: RT });
      const stale = b.call(slow(RT + 500, true)); // starts while closed
      await times(3, () => b.call(boom)); // opens
      await sleep(RT);
      expect(b.getState()).toBe('half-open');
      expect(await outcome(stale)).toBe('boom'); // finishes while half-open: not a probe
      expect(b.getState()).toBe('half-open');
      expect(await b.call(ok)).toBe('ok');
      expect(b.getState()).toBe('closed');
      expect(b.getMetrics()).toMatchObject({ lateResults: 1, failures: 4 });
    });
  });

  it('ignores a late success too: it neither resets the failure count nor closes', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker({ failureThreshold: 2, recoveryTimeout: RT });
      const late = b.call(slow(50));
      await times(2, () => b.call(boom));
      expect(await late).toBe('ok');
      expect(b.getState()).toBe('open');
      expect(b.getMetrics().lateResults).toBe(1);
    });
  });

  it('counts a result in the generation it was admitted in, even if fn changed the state synchronously', async () => {
    const b = new CircuitBreaker({ failureThreshold: 1 });
    const p = b.call(async () => {
      b.forceOpen();
      b.forceClose(); // a new generation before fn even returned
      throw new Error('late');
    });
    expect(await outcome(p)).toBe('late');
    expect(b.getState()).toBe('closed');
    expect(b.getMetrics().lateResults).toBe(1);
  });

  it('ignores results of calls started before forceClose', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker({ failureThreshold: 1 });
      const p = b.call(slow(10, true));
      b.forceClose();
      expect(await outcome(p)).toBe('boom');
      expect(b.getState()).toBe('closed');
    });
  });
});

describe('CircuitBreaker: manual control', () => {
  it('forceOpen holds the circuit open past recoveryTimeout until forceClose', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker({ recoveryTimeout: RT });
      b.forceOpen();
      expect(b.getState()).toBe('forced-open');
      expect(b.isOpen()).toBe(true);
      await sleep(10 * RT);
      const e = await caught(b.call(ok));
      expect(e).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', forced: true, remainingMs: Infinity });
      expect((e as Error).message).toBe('circuit breaker is open (forced)');
      b.forceOpen(); // idempotent
      b.forceClose();
      expect(b.getState()).toBe('closed');
      expect(await b.call(ok)).toBe('ok');
      expect(b.getMetrics().transitions.map((c) => `${c.from}->${c.to}:${c.reason}`)).toEqual([
        'closed->forced-open:force-open',
        'forced-open->closed:force-close',
      ]);
    });
  });

  it('forceOpen on an open breaker whose timeout elapsed records the half-open step first', async () => {
    await synctest.run(async () => {
      const [b] = await tripped();
      await sleep(RT);
      b.forceOpen();
      expect(b.getMetrics().transitions.map((c) => c.to)).toEqual(['open', 'half-open', 'forced-open']);
    });
  });

  it('forceClose clears the failure count of a closed breaker, announcing nothing', async () => {
    const b = new CircuitBreaker({ failureThreshold: 2 });
    const seen: unknown[] = [];
    b.onStateChange((c) => seen.push(c));
    await outcome(b.call(boom));
    b.forceClose();
    await outcome(b.call(boom));
    expect(b.getState()).toBe('closed');
    expect(seen).toEqual([]);
  });

  it('forceClose lets the breaker trip again as usual', async () => {
    await synctest.run(async () => {
      const [b] = await tripped();
      b.forceClose();
      await times(3, () => b.call(boom));
      expect(b.getState()).toBe('open');
    });
  });

  it('reset closes and zeroes the metrics', async () => {
    await synctest.run(async () => {
      const [b] = await tripped();
      await outcome(b.call(ok));
      b.reset();
      expect(b.getMetrics()).toMatchObject({
        state: 'closed',
        calls: 0,
        failures: 0,
        rejections: 0,
        windowCalls: 0,
        transitions: [],
        lastFailureTime: null,
      });
    });
  });
});

describe('CircuitBreaker: errors that count', () => {
  it('isFailure decides: other errors pass through and do not count, nor reset the count', async () => {
    const b = new CircuitBreaker({ failureThreshold: 2, isFailure: (e) => !(e instanceof TypeError) });
    const typeErr = async (): Promise<never> => {
      throw new TypeError('bad input');
    };
    await outcome(b.call(boom));
    expect(await outcome(b.call(typeErr))).toBe('bad input');
    expect(b.isClosed()).toBe(true);
    await outcome(b.call(boom));
    expect(b.isOpen()).toBe(true);
    expect(b.getMetrics()).toMatchObject({ failures: 2, ignoredErrors: 1 });
  });

  it('counts the error as a failure and rejects with what isFailure threw, if it throws', async () => {
    const b = new CircuitBreaker({
      failureThreshold: 1,
      isFailure: () => {
        throw new Error('predicate bug');
      },
    });
    expect(await outcome(b.call(boom))).toBe('predicate bug');
    expect(b.isOpen()).toBe(true);
  });

  it('does not count a context cancellation by default', async () => {
    const b = new CircuitBreaker({ failureThreshold: 1 });
    expect(isCanceled(await caught(b.call(() => Promise.reject(Canceled))))).toBe(true);
    expect(b.isClosed()).toBe(true);
    expect(b.getMetrics().ignoredErrors).toBe(1);
  });
});

describe('CircuitBreaker: execute (Policy)', () => {
  it('passes the Context to fn', async () => {
    const b = new CircuitBreaker();
    const [ctx, cancel] = withCancel(background());
    expect(await b.execute((c) => c === ctx, ctx)).toBe(true);
    cancel();
  });

  it("rejects with the signal's reason, without running fn or counting, when cancel is already done", async () => {
    const b = new CircuitBreaker({ failureThreshold: 1 });
    const ac = new AbortController();
    ac.abort('no');
    let ran = false;
    const e = await caught(b.execute(() => (ran = true), ac.signal));
    expect(e).toBe('no');
    expect(ran).toBe(false);
    expect(b.getMetrics()).toMatchObject({ calls: 0, failures: 0, state: 'closed' });
  });

  it('turns an AbortSignal into a Context that fn sees canceled', async () => {
    await synctest.run(async () => {
      const b = new CircuitBreaker({ failureThreshold: 1 });
      const ac = new AbortController();
      go(async () => {
        await sleep(10);
        ac.abort();
      });
      const e = await caught(
        b.execute(async (ctx) => {
          await sleep(20);
          throw ctx.err();
        }, ac.signal),
      );
      expect(isCanceled(e)).toBe(true);
      expect(b.isClosed()).toBe(true); // a cancellation is not the service's fault
    });
  });

  it('composes with wrap, rejections included', async () => {
    const b = new CircuitBreaker({ failureThreshold: 1 });
    const policy = wrap(b);
    await outcome(policy.execute(boom));
    expect(await outcome(policy.execute(ok))).toBe('ERR_CIRCUIT_OPEN');
  });
});

describe('CircuitBreaker: metrics', () => {
  it('counts calls, successes, failures, rejections and records transitions with timestamps', async () => {
    await synctest.run(async () => {
      const t0 = nowMillis();
      const b = new CircuitBreaker({ failureThreshold: 2, recoveryTimeout: RT });
      await b.call(ok);
      await sleep(10);
      await times(2, () => b.call(boom));
      await times(3, () => b.call(ok));
      const m = b.getMetrics();
      expect(m).toMatchObject({
        state: 'open',
        calls: 3,
        successes: 1,
        failures: 2,
        rejections: 3,
        ignoredErrors: 0,
        slowCalls: 0,
        lateResults: 0,
        windowCalls: 3,
        consecutiveFailures: 0,
        openedAt: t0 + 10,
        lastFailureTime: t0 + 10,
      });
      expect(m.failureRate).toBeCloseTo(2 / 3);
      expect(m.transitions).toEqual([{ from: 'closed', to: 'open', at: t0 + 10, reason: 'failure-threshold' }]);
    });
  });

  it('keeps no counters with enableMetrics false, but state and rates stay live', async () => {
    const b = new CircuitBreaker({ failureThreshold: 2, enableMetrics: false });
    await b.call(ok);
    await outcome(b.call(boom));
    const m = b.getMetrics();
    expect(m).toMatchObject({ calls: 0, successes: 0, failures: 0, transitions: [], windowCalls: 2, failureRate: 0.5 });
    expect(m.consecutiveFailures).toBe(1);
  });

  it('keeps only the last 100 transitions', async () => {
    const b = new CircuitBreaker();
    for (let i = 0; i < 60; i++) {
      b.forceOpen();
      b.forceClose();
    }
    const ts = b.getMetrics().transitions;
    expect(ts).toHaveLength(100);
    expect(ts[0]!.to).toBe('forced-open');
  });

  it('returns a copy of the transition log', async () => {
    const b = new CircuitBreaker();
    b.forceOpen();
    (b.getMetrics().transitions as unknown[]).length = 0;
    expect(b.getMetrics().transitions).toHaveLength(1);
  });
});
