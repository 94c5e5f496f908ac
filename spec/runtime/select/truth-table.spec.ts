/**
 * The select truth table (after Go's test/chan/select3.go): for one and two cases over every channel state
 * (ready, not ready, nil, closed; buffered and unbuffered; send and receive), with and without a default, the select
 * takes a ready case (uniformly at random among several), else the default, else blocks; a receive on a closed
 * channel is ready with (undefined, false); a send on a closed channel panics with ChannelClosedError.
 */
import { describe, expect, it } from 'vitest';
import {
  ChannelClosedError,
  chan,
  go,
  recvCase,
  select,
  sendCase,
  synctest,
  type Chan,
  type SelectCase,
} from '../../../runtime/index.js';

interface Made {
  /** c is the case; its callback returns the state's name. */
  readonly c: SelectCase<string>;
  /** check verifies what the case did when chosen (the value received, the value delivered). */
  check(): void;
  /** cleanup releases any helper goroutine still parked, so the bubble can finish. */
  cleanup(): void;
}

interface State {
  readonly name: string;
  /** ready: the case can complete at once. */
  readonly ready: boolean;
  /** panics: the case makes the select panic (a send on a closed channel). */
  readonly panics: boolean;
  /** make builds a fresh case in this state; its callback calls `chosen`. */
  make(chosen: () => void): Made;
}

function recvState(name: string, ready: boolean, setup: () => Chan<number>, want: [unknown, boolean] | null): State {
  return {
    name,
    ready,
    panics: false,
    make(chosen) {
      const ch = setup();
      let got: [unknown, boolean] | null = null;
      return {
        c: recvCase(ch, (v, ok) => {
          chosen();
          got = [v, ok];
          return name;
        }),
        check: () => expect(got).toEqual(want),
        cleanup: () => void ch?.tryRecv(), // a parked helper sender, if any, is released
      };
    },
  };
}

function sendState(name: string, ready: boolean, panics: boolean, setup: () => [Chan<number>, () => unknown]): State {
  return {
    name,
    ready,
    panics,
    make(chosen) {
      const [ch, delivered] = setup();
      return {
        c: sendCase(ch, 9, () => {
          chosen();
          return name;
        }),
        check: () => expect(delivered()).toBe(9),
        cleanup: () => {
          try {
            ch?.trySend(0); // a parked helper receiver, if any, is released
          } catch {
            // closed
          }
        },
      };
    },
  };
}

/** parkedSender makes an unbuffered channel with a goroutine parked sending 7 on it. */
function parkedSender(): Chan<number> {
  const c = chan<number>();
  go(() => c.send(7));
  return c;
}

/** parkedReceiver makes an unbuffered channel with a goroutine parked receiving; `last()` is what it got. */
function parkedReceiver(): [Chan<number>, () => unknown] {
  const c = chan<number>();
  let got: unknown = 'nothing';
  go(async () => {
    got = await c.recv();
  });
  return [c, () => got];
}

const STATES: State[] = [
  recvState('recv buffered ready', true, () => {
    const c = chan<number>(1);
    c.trySend(7);
    return c;
  }, [7, true]),
  recvState('recv unbuffered ready', true, parkedSender, [7, true]),
  recvState('recv buffered empty', false, () => chan<number>(1), null),
  recvState('recv unbuffered empty', false, () => chan<number>(), null),
  recvState('recv nil', false, () => null as unknown as Chan<number>, null),
  recvState('recv closed', true, () => {
    const c = chan<number>();
    c.close();
    return c;
  }, [undefined, false]),
  recvState('recv closed with data', true, () => {
    const c = chan<number>(2);
    c.trySend(7);
    c.close();
    return c;
  }, [7, true]),
  sendState('send buffered room', true, false, () => {
    const c = chan<number>(1);
    return [c, () => c.tryRecv()?.value];
  }),
  sendState('send unbuffered ready', true, false, parkedReceiver),
  sendState('send buffered full', false, false, () => {
    const c = chan<number>(1);
    c.trySend(1);
    return [c, () => 'never chosen'];
  }),
  sendState('send unbuffered no receiver', false, false, () => [chan<number>(), () => 'never chosen']),
  sendState('send nil', false, false, () => [null as unknown as Chan<number>, () => 'never chosen']),
  sendState('send closed', false, true, () => {
    const c = chan<number>(1);
    c.close();
    return [c, () => 'never chosen'];
  }),
];

/** expected lists the possible outcomes: a ready case's name, 'panic', 'default' or 'block'. */
function expected(states: readonly State[], withDefault: boolean): Set<string> {
  const out = new Set<string>();
  for (const s of states) {
    if (s.ready) out.add(s.name);
    if (s.panics) out.add('panic');
  }
  if (out.size === 0) out.add(withDefault ? 'default' : 'block');
  return out;
}

/** once runs one select over fresh channels in the given states and returns its outcome. */
async function once(states: readonly State[], withDefault: boolean): Promise<string> {
  // Record which position ran: two cases may be in the same state.
  let chosen = -1;
  const made = states.map((s, i) => s.make(() => (chosen = i)));
  await synctest.wait(); // helper goroutines are parked on their channels
  const cases = made.map((m) => m.c);
  let outcome: string;
  if (withDefault) {
    try {
      outcome = select(cases, () => 'default');
    } catch (e) {
      expect(e).toBeInstanceOf(ChannelClosedError);
      expect((e as Error).message).toBe('send on closed channel');
      outcome = 'panic';
    }
  } else {
    const escape = chan<void>(); // never ready until closed: lets a blocked select be observed, then released
    let settled = false;
    const p = (async () => select([...cases, recvCase(escape, () => 'block')]))().then(
      (r) => r,
      (e: unknown) => {
        expect(e).toBeInstanceOf(ChannelClosedError);
        expect((e as Error).message).toBe('send on closed channel');
        return 'panic';
      },
    );
    void p.then(() => (settled = true));
    await synctest.wait();
    const blocked = !settled;
    if (blocked) escape.close();
    outcome = await p;
    expect(blocked).toBe(outcome === 'block');
  }
  if (chosen >= 0) {
    expect(outcome).toBe(states[chosen]!.name);
    await synctest.wait(); // a woken helper goroutine records what it got
    made[chosen]!.check();
  }
  for (const m of made) m.cleanup();
  return outcome;
}

async function table(states: readonly State[], withDefault: boolean): Promise<void> {
  const want = expected(states, withDefault);
  const seen = new Set<string>();
  // With one possible outcome a few runs suffice; with two, 40 runs miss one with probability 2^-39.
  const runs = want.size === 1 ? 3 : 40;
  await synctest.run(async () => {
    for (let i = 0; i < runs; i++) seen.add(await once(states, withDefault));
  });
  expect([...seen].sort()).toEqual([...want].sort());
}

describe('select truth table', () => {
  describe.each([false, true])('with default: %s', (withDefault) => {
    it.each(STATES.map((s) => [s.name, s] as const))('one case: %s', async (_name, s) => {
      await table([s], withDefault);
    });

    it('two cases: every pair of states', async () => {
      for (const a of STATES) {
        for (const b of STATES) await table([a, b], withDefault);
      }
    });
  });

  it('blocks forever with no case at all, and takes the default with only a default', async () => {
    await expect(synctest.run(() => select([]))).rejects.toThrow('deadlock');
    let ran = 0;
    expect(select([], () => ++ran)).toBe(1);
  });

  it('returns synchronously when it has a default, and a promise otherwise', async () => {
    const c = chan<number>(1);
    c.trySend(1);
    const r = select([recvCase(c, (v) => v)], () => -1);
    expect(r).toBe(1);
    expect(select([recvCase(c, (v) => v)], () => -1)).toBe(-1);
    c.trySend(2);
    const p = select([recvCase(c, (v) => v)]);
    expect(p).toBeInstanceOf(Promise);
    expect(await p).toBe(2);
  });

  it('resolves to the chosen callback result, adopting a promise, or undefined without a callback', async () => {
    const c = chan<number>(2);
    c.trySend(1);
    expect(await select([recvCase(c, async (v) => (v ?? 0) * 10)])).toBe(10);
    c.trySend(2);
    expect(await select([recvCase(c)])).toBeUndefined();
    expect(await select([sendCase(c, 3)])).toBeUndefined();
    expect(select([sendCase(c, 4)], () => 'default')).toBeUndefined();
  });

  it('accepts a case list built once and reused by many selects (operands evaluated once, when built)', async () => {
    await synctest.run(async () => {
      const a = chan<number>();
      const b = chan<number>();
      const got: string[] = [];
      const cases = [recvCase(a, (v) => `a${v}`), recvCase(b, (v) => `b${v}`)] as const;
      go(async () => {
        for (let i = 0; i < 50; i++) await (i % 2 === 0 ? a : b).send(i);
      });
      for (let i = 0; i < 50; i++) got.push(await select(cases));
      expect(got).toEqual(Array.from({ length: 50 }, (_, i) => `${i % 2 === 0 ? 'a' : 'b'}${i}`));
    });
  });

  it('propagates a throw of the chosen callback: synchronously with a default, as a rejection without', async () => {
    const c = chan<number>(2);
    c.trySend(1);
    expect(() =>
      select([recvCase(c, () => {
        throw new Error('body');
      })], () => 0),
    ).toThrow('body');
    c.trySend(1);
    await expect(
      select([recvCase(c, () => {
        throw new Error('body');
      })]),
    ).rejects.toThrow('body');
  });

  it('panics on a send case whose channel is closed while it is parked, and leaves no registration', async () => {
    await synctest.run(async () => {
      const c = chan<number>();
      const other = chan<number>();
      const p = select([sendCase(c, 1, () => 'sent'), recvCase(other, () => 'other')]);
      const caught = p.catch((e: unknown) => e);
      await synctest.wait();
      c.close();
      const e = await caught;
      expect(e).toBeInstanceOf(ChannelClosedError);
      expect((e as Error).message).toBe('send on closed channel');
      expect(other.trySend(5)).toBe(false); // the select's receive registration on `other` is gone
    });
  });

  it('completes a parked receive case with (undefined, false) when its channel is closed', async () => {
    await synctest.run(async () => {
      const c = chan<number>(3);
      const p = select([recvCase(c, (v, ok) => ({ v, ok })), sendCase(chan<number>(), 1, () => 'send')]);
      await synctest.wait();
      c.close();
      expect(await p).toEqual({ v: undefined, ok: false });
    });
  });
});
