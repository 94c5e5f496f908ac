/**
 * Helpers for the circuit-breaker specs. Every timing spec runs inside synctest.run, where `sleep` advances the
 * virtual clock exactly (the breaker reads it as nanotime and reports Unix ms, as `nowMillis` does).
 */
import { chan } from '../../../runtime/chan/local-chan.js';
import { sleep } from '../../../runtime/time/sleep.js';

/** ok resolves to 'ok'. */
export const ok = async (): Promise<string> => 'ok';

/** boom rejects with Error('boom'). */
export const boom = async (): Promise<never> => {
  throw new Error('boom');
};

/** after returns a call that waits `ms` on the (virtual) clock, then resolves to 'ok' or rejects with Error('boom'). */
export function slow(ms: number, fails = false): () => Promise<string> {
  return async () => {
    await sleep(ms);
    if (fails) throw new Error('boom');
    return 'ok';
  };
}

/** outcome settles `p` into a word: its value, its error's code, or its error's message. */
export async function outcome(p: Promise<unknown>): Promise<string> {
  try {
    return String(await p);
  } catch (e) {
    const err = e as { code?: unknown; message?: unknown };
    return typeof err.code === 'string' ? err.code : String(err.message);
  }
}

/** caught returns what `p` rejects with (and fails if it resolves). */
export async function caught(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

/** times calls `f` `n` times in sequence and returns the outcomes. */
export async function times(n: number, f: () => Promise<unknown>): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(await outcome(f()));
  return out;
}

/**
 * join waits for `p` parked on a channel, so that a synctest bubble counts the caller as parked and keeps its clock
 * moving. (Awaiting a plain promise right after synctest.wait() would hold the clock still: wait() leaves no idle
 * check scheduled, and a plain await does not park.)
 */
export async function join<T>(p: Promise<T>): Promise<T> {
  const done = chan<never>();
  const settled = p.finally(() => done.close());
  settled.catch(() => {});
  await done.recv();
  return settled;
}
