/**
 * serveJobs against a real NATS server: every job run once through a pool and replied to before it is acknowledged,
 * at most `concurrency` at once; a failed job handed back and run again; a signal that stops taking jobs while the
 * held ones finish; bad arguments; and recvDelivery's signal, which serveJobs stops with. The multi-process case,
 * with a worker process killed mid-job, is worker-pools.spec.ts.
 */
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/nats-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FixedWorkerPool } from '../../../patterns/index.js';
import { codec, InvalidArgumentError, sleep } from '../../../runtime/index.js';
import { deleteNatsChan, natsChan, serveJobs, type NatsChan } from '../../../runtime/nats/index.js';
import { Child } from './children.js';
import { NATS_URL, natsReachable, uniqueName } from './server.js';

const up = await natsReachable();

describe.skipIf(!up)('serveJobs', () => {
  let nc: NatsConnection;
  const made: string[] = [];
  const opened: NatsChan<unknown>[] = [];

  beforeAll(async () => {
    nc = await connect({ servers: NATS_URL });
  });
  afterEach(async () => {
    for (const ch of opened.splice(0)) await ch.release();
    for (const n of made.splice(0)) await deleteNatsChan(nc, n);
  });
  afterAll(async () => {
    await nc?.close();
  });

  async function open<T>(tag: string, prefetch?: number): Promise<NatsChan<T>> {
    const name = uniqueName(tag);
    made.push(name);
    const ch = await natsChan(nc, name, { codec: codec.json<T>(), capacity: 1000, ...(prefetch ? { prefetch } : {}) });
    opened.push(ch as NatsChan<unknown>);
    return ch;
  }

  it('runs every job once through a pool, at most concurrency at once, replying before each acknowledgement', async () => {
    const jobs = await open<number>('jobs', 3);
    const answers = await open<[number, number]>('answers');
    let running = 0;
    let most = 0;
    const pool = new FixedWorkerPool<number, number>(3, {
      worker: async (n) => {
        most = Math.max(most, ++running);
        await sleep(5);
        running--;
        return n * n;
      },
    });
    for (let i = 1; i <= 30; i++) await jobs.send(i);
    await jobs.closeAndWait();
    const result = await serveJobs(jobs, pool, { concurrency: 3, reply: (n, sq) => answers.send([n, sq]) });
    expect(result).toEqual({ done: 30, failed: 0 });
    expect(most).toBe(3);
    const got = new Map<number, number>();
    for (let i = 0; i < 30; i++) {
      const [n, sq] = (await answers.recv())!;
      got.set(n, sq);
    }
    expect([...got].sort((a, b) => a[0] - b[0])).toEqual([...Array(30).keys()].map((i) => [i + 1, (i + 1) ** 2]));
    expect(await jobs.stored()).toBe(0); // every job acknowledged
    await pool.stop();
  });

  it('hands a failed job back, and it runs again, told it was delivered before', async () => {
    const jobs = await open<number>('retry', 1);
    const tries = new Map<number, number>();
    const errors: unknown[] = [];
    const redelivered: [number, boolean][] = [];
    for (let i = 1; i <= 5; i++) await jobs.send(i);
    await jobs.closeAndWait();
    const result = await serveJobs(
      jobs,
      (n: number, info) => {
        redelivered.push([n, info.redelivered]);
        const t = (tries.get(n) ?? 0) + 1;
        tries.set(n, t);
        if (n === 3 && t === 1) throw new Error('flaky');
        return n;
      },
      { concurrency: 1, retryDelayMs: 200, onError: (e, job) => errors.push([(e as Error).message, job]) },
    );
    expect(result).toEqual({ done: 5, failed: 1 });
    expect(errors).toEqual([['flaky', 3]]);
    expect(tries.get(3)).toBe(2);
    expect(redelivered.filter(([, r]) => r)).toEqual([[3, true]]);
    expect(redelivered).toHaveLength(6);
    expect(await jobs.stored()).toBe(0);
  });

  it('hands a failed job back for retryDelayMs, not at once (a job failing every time is not run in a tight loop)', async () => {
    for (const retryDelayMs of [60_000, 0]) {
      const jobs = await open<number>(`retry-delay-${retryDelayMs}`, 1);
      await jobs.send(1);
      await jobs.send(2);
      const ac = new AbortController();
      const result = await serveJobs(
        jobs,
        (n: number) => {
          if (n === 1) throw new Error('fails');
          ac.abort(); // job 1 was handed back before job 2 was taken
          return n;
        },
        { concurrency: 1, retryDelayMs, signal: ac.signal },
      );
      expect(result).toEqual({ done: 1, failed: 1 });
      await jobs.release();
      const other = await natsChan(nc, jobs.name, { codec: codec.json<number>(), capacity: 1000 });
      opened.push(other as NatsChan<unknown>);
      if (retryDelayMs === 0) {
        const d = await other.recvDelivery(); // at once
        expect(d?.value).toBe(1);
        await d!.ack();
      } else {
        await expect(other.recvDelivery(AbortSignal.timeout(300))).rejects.toMatchObject({ name: 'TimeoutError' });
      }
    }
  });

  it('stops taking jobs when its signal aborts, and finishes the ones it holds', async () => {
    const jobs = await open<number>('stop', 2);
    for (let i = 1; i <= 10; i++) await jobs.send(i);
    const ac = new AbortController();
    const ran: number[] = [];
    const served = serveJobs(
      jobs,
      async (n: number) => {
        ran.push(n);
        if (ran.length === 2) ac.abort();
        await sleep(20);
        return n;
      },
      { concurrency: 2, signal: ac.signal },
    );
    const result = await served;
    expect(result.failed).toBe(0);
    expect(result.done).toBe(ran.length);
    expect(ran.length).toBeLessThanOrEqual(3);
    await jobs.release(); // hands back what was fetched ahead
    expect(await jobs.stored()).toBe(10 - ran.length); // the rest stay for another process
  });

  it('stops while waiting for a job (an empty channel), taking nothing', async () => {
    const jobs = await open<number>('idle');
    const ac = new AbortController();
    const served = serveJobs(jobs, (n: number) => n, { concurrency: 2, signal: ac.signal });
    await sleep(50);
    ac.abort();
    expect(await served).toEqual({ done: 0, failed: 0 });
    await jobs.send(7);
    expect(await jobs.recv()).toBe(7); // the aborted receive took nothing
  });

  it('reports a job that does not decode to onError and goes on (the server never delivers it again)', async () => {
    const jobs = await open<number>('undecodable', 1);
    await jetstream(nc).publish(`gocsp.chan.${jobs.name}`, 'not json{'); // a producer with another codec
    await jobs.send(2);
    await jobs.closeAndWait();
    const errors: [string, unknown][] = [];
    const result = await serveJobs(jobs, (n: number) => n, {
      concurrency: 1,
      onError: (e, job) => errors.push([(e as Error).name, job]),
    });
    expect(result).toEqual({ done: 1, failed: 1 });
    expect(errors).toEqual([['DecodeError', undefined]]);
    expect(await jobs.stored()).toBe(0);
  });

  it('rejects with the error onError throws, takes no more jobs, and settles the ones it holds first', async () => {
    const jobs = await open<number>('hook-throws', 2);
    for (let i = 1; i <= 6; i++) await jobs.send(i);
    const hook = new Error('logger down');
    const settled: number[] = [];
    let calls = 0;
    let secondStarted!: () => void;
    const second = new Promise<void>((r) => (secondStarted = r));
    const served = serveJobs(
      jobs,
      async (n: number) => {
        if (n === 1) {
          await second; // job 2 is held when job 1 fails
          throw new Error('job failed');
        }
        secondStarted();
        await sleep(20);
        settled.push(n);
        return n;
      },
      {
        concurrency: 2,
        onError: () => {
          calls++;
          throw hook;
        },
      },
    );
    await expect(served).rejects.toBe(hook);
    expect(calls).toBe(1);
    // Job 2, taken with job 1, was run and acknowledged before serveJobs rejected; the others stay in the channel.
    expect(settled).toEqual([2]);
    await jobs.release();
    expect(await jobs.stored()).toBe(5); // 1 (handed back) and 3 to 6
  });

  it('leaves every job acknowledged once or in the channel for others, whenever its signal aborts', async () => {
    // A seeded generator picks when the signal aborts: while a receive is parked, as a value is handed over, as a
    // job runs or is acknowledged. Whatever it hit, what serveJobs did not acknowledge reaches another receiver at
    // once (nothing is held, which would keep it from everyone while the reservation is renewed).
    let seed = 7;
    const rand = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 8; round++) {
      const jobs = await open<number>(`abort-race-${round}`, 1 + (round % 3));
      const n = 12;
      for (let i = 0; i < n; i++) await jobs.send(i);
      const ac = new AbortController();
      const ran = new Map<number, number>();
      setTimeout(() => ac.abort(), Math.floor(rand() * 30));
      const result = await serveJobs(
        jobs,
        async (v: number) => {
          ran.set(v, (ran.get(v) ?? 0) + 1);
          if (rand() < 0.5) await sleep(2);
          return v;
        },
        { concurrency: 1 + (round % 3), signal: ac.signal },
      );
      expect(result.failed).toBe(0);
      expect([...ran.values()].every((k) => k === 1)).toBe(true);
      expect(result.done).toBe(ran.size);
      await jobs.release();
      const again = await natsChan(nc, jobs.name, { codec: codec.json<number>(), capacity: 1000 });
      opened.push(again as NatsChan<unknown>);
      const rest: number[] = [];
      for (let i = result.done; i < n; i++) {
        const d = (await again.recvDelivery())!;
        rest.push(d.value);
        await d.ack();
      }
      expect([...ran.keys(), ...rest].sort((a, b) => a - b)).toEqual([...Array(n).keys()]);
    }
  });

  it('rejects with NatsChanGoneError when its connection closes while it waits for a job', async () => {
    // In a child process that nothing else keeps alive: a receive left pending there lets the process exit quietly.
    const name = uniqueName('conn-closed');
    made.push(name);
    const child = new Child('serve-then-close.ts', [NATS_URL, name]);
    expect(await child.exited).toBe(0);
    expect(child.lines).toEqual(['READY', 'ENDED NatsChanGoneError']);
  });

  it('names the bad argument', async () => {
    const jobs = await open<number>('bad');
    const run = (n: number): number => n;
    const cases: [unknown, unknown, unknown, RegExp][] = [
      [{}, run, { concurrency: 1 }, /jobs must be a network channel/],
      [jobs, 42, { concurrency: 1 }, /runner must be a worker pool \(with submit\) or a function, got 42/],
      [jobs, run, { concurrency: 0 }, /concurrency must be an integer in \[1, 10000\], got 0/],
      [jobs, run, { concurrency: 1.5 }, /concurrency must be an integer/],
      [jobs, run, { concurrency: 1, reply: 'x' }, /reply must be a function/],
      [jobs, run, { concurrency: 1, retryDelayMs: -1 }, /retryDelayMs must be an integer in \[0, 2\^31 - 1\], got -1/],
      [jobs, run, { concurrency: 1, signal: {} }, /signal must be an AbortSignal/],
      [jobs, run, { concurrency: 1, colour: 1 }, /colour/],
    ];
    for (const [j, r, o, msg] of cases) {
      const p = serveJobs(j as NatsChan<number>, r as typeof run, o as { concurrency: number });
      await expect(p).rejects.toBeInstanceOf(InvalidArgumentError);
      await expect(p).rejects.toThrow(msg);
    }
    await expect(jobs.recvDelivery({} as AbortSignal)).rejects.toThrow(/signal must be an AbortSignal/);
  });

  it('rejects recvDelivery with the signal reason, at once if already aborted, and takes nothing', async () => {
    const jobs = await open<number>('recv-signal');
    const reason = new Error('enough');
    await expect(jobs.recvDelivery(AbortSignal.abort(reason))).rejects.toBe(reason);
    const ac = new AbortController();
    const p = jobs.recvDelivery(ac.signal);
    await sleep(20);
    ac.abort(reason);
    await expect(p).rejects.toBe(reason);
    await jobs.send(1);
    const d = await jobs.recvDelivery(new AbortController().signal);
    expect(d?.value).toBe(1);
    expect(() => d!.nak(-1)).toThrow(InvalidArgumentError);
    expect(() => d!.nak(1.5)).toThrow(/Delivery: nak's delayMs must be an integer in \[0, 2\^31 - 1\], got 1.5/);
    await d!.ack(); // still held: the bad nak changed nothing
  });
});
