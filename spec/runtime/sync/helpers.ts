/**
 * Test helpers for the sync specs: a fake Context (so these tests do not depend on runtime/context), a way to let
 * every pending microtask run, a settled-check, and a seeded PRNG for the race tests.
 */
import { LocalChan } from '../../../runtime/chan/local-chan.js';
import type { Selectable } from '../../../runtime/chan/selectable.js';
import type { RecvChan } from '../../../runtime/chan/types.js';
import type { Waiter } from '../../../runtime/chan/waiter.js';
import type { Context } from '../../../runtime/context/context.js';

/** FakeContext is a cancelable Context whose done channel is a plain gocsp channel, closed by cancel. */
export interface FakeContext extends Context {
  cancel(err?: Error): void;
  /** registrations is how many parked receivers/select waiters the done channel holds now. */
  registrations(): number;
}

/** fakeContext makes a FakeContext; cancel sets err first, then closes done, as Go's context does. */
export function fakeContext(): FakeContext {
  const ch = new LocalChan<never>(0);
  let live = 0;
  // Count registrations going in and out, to check that nobody leaves one behind.
  const done = new Proxy(ch, {
    get(target, prop): unknown {
      if (prop === 'enqueueRecv') {
        return (w: Waiter): void => {
          live++;
          target.enqueueRecv(w);
        };
      }
      if (prop === 'dequeue') {
        return (w: Waiter): void => {
          if (w.queue !== null) live--;
          target.dequeue(w);
        };
      }
      const v: unknown = Reflect.get(target, prop, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  }) as unknown as RecvChan<never> & Selectable;
  const ac = new AbortController();
  let err: Error | null = null;
  return {
    done: () => done,
    err: () => err,
    deadline: () => undefined,
    value: () => undefined,
    signal: ac.signal,
    cancel(e = new Error('context canceled')) {
      if (err !== null) return;
      err = e;
      live = 0; // close shifts every registration out
      ch.close();
      ac.abort(e);
    },
    registrations: () => live,
  };
}

/** background is a Context that is never done: its done channel is nil. */
export const background: Context = {
  done: () => null,
  err: () => null,
  deadline: () => undefined,
  value: () => undefined,
  signal: new AbortController().signal,
};

/** flush lets every pending microtask (and the chains they start) run. */
export const flush = (): Promise<void> => new Promise((r) => setImmediate(r));

/** settled reports whether `p` has settled once pending microtasks have run. */
export async function settled(p: Promise<unknown>): Promise<boolean> {
  let s = false;
  p.then(
    () => (s = true),
    () => (s = true),
  );
  await flush();
  return s;
}

/** caught returns what calling `f` throws (failing the test if it returns). */
export function caught(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a throw');
}

/** yieldSome lets other goroutines run for 0 to `max - 1` microtask turns, as chosen by `r`. */
export async function yieldSome(r: () => number, max = 4): Promise<void> {
  for (let i = Math.floor(r() * max); i > 0; i--) await null;
}
