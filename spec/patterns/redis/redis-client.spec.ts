/**
 * runScript with fake clients (no server needed): EVALSHA first and EVAL on NOSCRIPT, what counts as Redis being
 * unavailable (a disconnected client, at once and without sending; no reply in time; a reply meaning "cannot serve
 * now") and what passes through (any other error reply).
 */
import { describe, expect, it } from 'vitest';
import { isRedisUnavailableError, type RedisClient } from '../../../patterns/redis/index.js';
import { type Outcome, runScript, Script, sendScript } from '../../../patterns/redis/redis-client.js';

const SCRIPT = new Script('return 1');

function replyError(message: string): Error {
  const e = new Error(message);
  e.name = 'ReplyError';
  return e;
}

function fake(over: Partial<RedisClient> & { calls?: string[] } = {}): RedisClient & { calls: string[] } {
  const calls: string[] = over.calls ?? [];
  return {
    status: 'ready',
    calls,
    evalsha: async (sha: string) => {
      calls.push(`evalsha ${sha.slice(0, 8)}`);
      return 1;
    },
    eval: async () => {
      calls.push('eval');
      return 2;
    },
    ...over,
  };
}

describe('runScript', () => {
  it('runs the script by its SHA1', async () => {
    const c = fake();
    expect(await runScript('T', c, SCRIPT, ['k'], [1], 1000)).toBe(1);
    expect(c.calls).toEqual([`evalsha ${SCRIPT.sha.slice(0, 8)}`]);
    expect(SCRIPT.sha).toBe('e0e1f9fabfc9d4800c877a703b823ac0578ff8db'); // sha1('return 1'), as SCRIPT LOAD names it
  });

  it('sends the script again with EVAL on NOSCRIPT', async () => {
    const calls: string[] = [];
    const c = fake({
      calls,
      evalsha: async () => {
        calls.push('evalsha');
        throw replyError('NOSCRIPT No matching script. Please use EVAL.');
      },
    });
    expect(await runScript('T', c, SCRIPT, ['k'], [], 1000)).toBe(2);
    expect(calls).toEqual(['evalsha', 'eval']);
  });

  it('fails at once, without sending, when the client is disconnected', async () => {
    for (const status of ['reconnecting', 'close', 'end']) {
      const c = fake({ status });
      const e = await runScript('T', c, SCRIPT, [], [], 1000).catch((x: unknown) => x);
      expect(isRedisUnavailableError(e)).toBe(true);
      expect((e as Error).message).toBe(`T: Redis unavailable: the client is ${status}`);
      expect(c.calls).toEqual([]);
    }
  });

  it('fails with RedisUnavailableError when no reply comes in time', async () => {
    const c = fake({ evalsha: () => new Promise(() => {}) });
    const e = await runScript('T', c, SCRIPT, [], [], 30).catch((x: unknown) => x);
    expect((e as Error).message).toBe('T: Redis unavailable: no reply within 30 ms');
  });

  it('counts "cannot serve now" replies and connection errors as unavailable, with the cause', async () => {
    for (const err of [replyError('LOADING Redis is loading the dataset in memory'), replyError('READONLY You can\'t write against a read only replica.'), new Error('Connection is closed.')]) {
      const e = await runScript('T', fake({ evalsha: () => Promise.reject(err) }), SCRIPT, [], [], 1000).catch((x: unknown) => x);
      expect(isRedisUnavailableError(e)).toBe(true);
      expect((e as Error).cause).toBe(err);
    }
  });

  it('passes any other error reply through as it is', async () => {
    const err = replyError('WRONGTYPE Operation against a key holding the wrong kind of value');
    const e = await runScript('T', fake({ evalsha: () => Promise.reject(err) }), SCRIPT, [], [], 1000).catch((x: unknown) => x);
    expect(e).toBe(err);
  });

  it('bounds each call\'s wait from its own start, for calls in flight together and one after another', async () => {
    const c = fake({ evalsha: () => new Promise(() => {}) });
    const order: string[] = [];
    const first = runScript('A', c, SCRIPT, [], [], 30).catch((e: unknown) => order.push((e as Error).message));
    await new Promise((r) => setTimeout(r, 10));
    const second = runScript('B', c, SCRIPT, [], [], 30).catch((e: unknown) => order.push((e as Error).message));
    await Promise.all([first, second]);
    await runScript('C', c, SCRIPT, [], [], 30).catch((e: unknown) => order.push((e as Error).message));
    expect(order).toEqual([
      'A: Redis unavailable: no reply within 30 ms',
      'B: Redis unavailable: no reply within 30 ms',
      'C: Redis unavailable: no reply within 30 ms',
    ]);
  });

  it('settles a call once: a reply after the deadline, or a deadline after the reply, changes nothing', async () => {
    let answer: (v: unknown) => void = () => {};
    const late = fake({ evalsha: () => new Promise((r) => (answer = r)) });
    const e = await runScript('T', late, SCRIPT, [], [], 20).catch((x: unknown) => x);
    expect(isRedisUnavailableError(e)).toBe(true);
    answer(1); // too late: nobody sees it
    const seen: string[] = [];
    const to: Outcome = { ok: (v) => seen.push(`ok ${String(v)}`), fail: (x) => seen.push(`fail ${(x as Error).message}`) };
    sendScript('T', fake(), SCRIPT, [], [], 20, to);
    await new Promise((r) => setTimeout(r, 50));
    expect(seen).toEqual(['ok 1']);
  });

  it('sendScript fails at once, before it returns, when the client is disconnected', () => {
    const seen: unknown[] = [];
    sendScript('T', fake({ status: 'end' }), SCRIPT, [], [], 20, { ok: (v) => seen.push(v), fail: (x) => seen.push(x) });
    expect(seen).toHaveLength(1);
    expect((seen[0] as Error).message).toBe('T: Redis unavailable: the client is end');
  });
});
