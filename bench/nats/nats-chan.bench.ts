/**
 * nats-chan: natsChan against the raw JetStream client doing the same publish and consume, side by side in one run,
 * on the NATS server at GOCSP_NATS_URL (default nats://127.0.0.1:4222). Written the documented way: inside main(),
 * `await send`, `for await`.
 *
 *   send        N awaited sends, one at a time: `await ch.send(i)` beside `await js.publish(subject, bytes)`.
 *               natsChan adds a message id per send (Nats-Msg-Id: the dedup that makes retries safe).
 *   receive     N values already stored, received one at a time: `for await (const v of ch)` beside the raw
 *               `for await (const m of consumer.consume())` with `m.ack()` per message. Both prefetch 64.
 *   round trip  send one value, then receive it, N times: the latency of one value through the server (the raw
 *               side keeps its consume() running, as natsChan keeps a pull request pending).
 *
 * Both sides use the same stream shape (work-queue retention, file storage, max_msgs, discard new, one durable pull
 * consumer with explicit ack) and the int32 codec against 4 raw bytes. One stream per side for the whole run (made
 * before the tasks, deleted after); each sample stores what it receives first (untimed for `receive`).
 *
 * Two measurements: tinybench's table (each task in turn), then an interleaved run (the two sides alternate operation
 * by operation, so both see the same load), whose ratios are the headline on a shared machine.
 *
 * Target (issue 13): natsChan at most 20% slower than the raw client.
 *
 * Run alone: npx tsx bench/nats/nats-chan.bench.ts
 */
import { loadavg } from 'node:os';
import { connect } from '@nats-io/transport-node';
import {
  AckPolicy,
  DiscardPolicy,
  jetstream,
  jetstreamManager,
  RetentionPolicy,
  StorageType,
  type ConsumerMessages,
  type JsMsg,
} from '@nats-io/jetstream';
import { codec, main } from '../../runtime/index.js';
import { deleteNatsChan, natsChan } from '../../runtime/nats/index.js';
import { newBench, report, sumTo } from '../lib/harness.js';
import type { FnReturnedObject } from 'tinybench';

const URL = process.env['GOCSP_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const N = 400;
const CAP = 100_000;
const PREFETCH = 64;
const OPS = 2000;

const median = (xs: readonly number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;

main(async () => {
  const nc = await connect({ servers: URL });
  const js = jetstream(nc);
  const jsm = await jetstreamManager(nc);
  const tag = `${process.pid}-${Math.random().toString(36).slice(2, 8)}`;

  // gocsp: one network channel.
  const name = `bench-${tag}`;
  const ch = await natsChan(nc, name, { codec: codec.int32, capacity: CAP, prefetch: PREFETCH });

  // raw: the same stream shape and consumer, and one consume() for the run.
  const raw = `BENCH_RAW_${tag.replace(/[^A-Za-z0-9]/g, '_')}`;
  const subject = `bench.raw.${tag}`;
  await jsm.streams.add({
    name: raw,
    subjects: [subject],
    retention: RetentionPolicy.Workqueue,
    max_msgs: CAP,
    discard: DiscardPolicy.New,
    storage: StorageType.File,
  });
  await jsm.consumers.add(raw, { durable_name: 'raw', ack_policy: AckPolicy.Explicit, ack_wait: 30e9 });
  const consumer = await js.consumers.get(raw, 'raw');
  const messages: ConsumerMessages = await consumer.consume({ max_messages: PREFETCH });
  const rawIter = messages[Symbol.asyncIterator]();
  const bytes = (i: number): Uint8Array => new Uint8Array(new Int32Array([i]).buffer);
  const value = (b: Uint8Array): number => new DataView(b.buffer, b.byteOffset, 4).getInt32(0, true);

  // The four ways to move N values, each side.
  const g = {
    send: async (): Promise<number> => {
      let s = 0;
      for (let i = 0; i < N; i++) {
        await ch.send(i);
        s += i;
      }
      return s;
    },
    recv: async (): Promise<number> => {
      let s = 0;
      let n = 0;
      for await (const v of ch) {
        s += v;
        if (++n === N) break;
      }
      return s;
    },
    roundTrip: async (): Promise<number> => {
      let s = 0;
      for (let i = 0; i < N; i++) {
        const t0 = performance.now();
        await ch.send(i);
        s += (await ch.recv())!;
        lat.gocsp.push(performance.now() - t0);
      }
      return s;
    },
  };
  const r = {
    send: async (): Promise<number> => {
      let s = 0;
      for (let i = 0; i < N; i++) {
        await js.publish(subject, bytes(i));
        s += i;
      }
      return s;
    },
    recv: async (): Promise<number> => {
      // The raw consume() lives for the whole run (a consume stopped with pull requests pending would strand
      // the next sample's values until the ack wait), so its iterator is read by hand: the same loop as for await.
      let s = 0;
      for (let n = 0; n < N; n++) {
        const m = (await rawIter.next()).value as JsMsg;
        s += value(m.data);
        m.ack();
      }
      return s;
    },
    roundTrip: async (): Promise<number> => {
      let s = 0;
      for (let i = 0; i < N; i++) {
        const t0 = performance.now();
        await js.publish(subject, bytes(i));
        const m = (await rawIter.next()).value as JsMsg;
        s += value(m.data);
        m.ack();
        lat.raw.push(performance.now() - t0);
      }
      return s;
    },
  };
  const lat = { gocsp: [] as number[], raw: [] as number[] };

  // A sample times `measure` only: the send task drains what it stored afterwards, the receive task stores first.
  const sample =
    (measure: () => Promise<number>, before?: () => Promise<number>, after?: () => Promise<number>) =>
    async (): Promise<FnReturnedObject> => {
      await before?.();
      const t0 = performance.now();
      const sum = await measure();
      const elapsed = performance.now() - t0;
      await after?.();
      if (sum !== sumTo(N)) throw new Error(`bench: checksum ${sum}, expected ${sumTo(N)}`);
      return { overriddenDuration: elapsed / N, overriddenIterationCost: elapsed };
    };

  const bench = newBench('natsChan vs raw JetStream', { time: 2000, iterations: 8, warmupTime: 300, warmupIterations: 1 });
  bench
    .add('send: gocsp await ch.send', sample(g.send, undefined, g.recv))
    .add('send: raw await js.publish', sample(r.send, undefined, r.recv))
    .add('receive: gocsp for await (ch)', sample(g.recv, g.send))
    .add('receive: raw consume() + ack', sample(r.recv, r.send))
    .add('round trip: gocsp send + recv', sample(g.roundTrip))
    .add('round trip: raw publish + next + ack', sample(r.roundTrip));
  await bench.run();
  report(bench, {
    unit: 'value',
    opsPerSample: `${N} values`,
    note: 'target: natsChan at most 20% slower than raw (ns/value at most 1.2x)',
  });
  const pct = (xs: number[], q: number): string => ([...xs].sort((a, b) => a - b)[Math.floor(q * (xs.length - 1))]! * 1000).toFixed(0);
  console.table(
    (['gocsp', 'raw'] as const).map((k) => ({
      'round trip of one value': k,
      'p50 us': pct(lat[k], 0.5),
      'p90 us': pct(lat[k], 0.9),
      'p99 us': pct(lat[k], 0.99),
      values: lat[k].length,
    })),
  );

  // Interleaved: tinybench runs one task after the other, and on a shared machine the load moves between them by
  // more than the difference measured. Here the two sides alternate operation by operation (which one goes first
  // alternates too), so both see the same load; each operation is timed alone, and the table gives the median and
  // the mean per operation and their ratios. This is the headline figure.
  const gIter = ch[Symbol.asyncIterator]();
  const ops: { label: string; g: (i: number) => Promise<number>; r: (i: number) => Promise<number>; fill?: boolean }[] = [
    { label: 'send', g: async (i) => (await ch.send(i), i), r: async (i) => (await js.publish(subject, bytes(i)), i) },
    {
      label: 'receive',
      fill: true,
      g: async () => (await gIter.next()).value as number,
      r: async () => {
        const m = (await rawIter.next()).value as JsMsg;
        m.ack();
        return value(m.data);
      },
    },
    {
      label: 'round trip',
      g: async (i) => (await ch.send(i), (await gIter.next()).value as number),
      r: async (i) => {
        await js.publish(subject, bytes(i));
        const m = (await rawIter.next()).value as JsMsg;
        m.ack();
        return value(m.data);
      },
    },
  ];
  const rows: Record<string, string>[] = [];
  for (const op of ops) {
    if (op.fill) {
      for (let i = 0; i < OPS; i++) await ch.send(i);
      for (let i = 0; i < OPS; i++) await js.publish(subject, bytes(i));
    }
    const gt: number[] = [];
    const rt: number[] = [];
    let gs = 0;
    let rs = 0;
    for (let i = 0; i < OPS; i++) {
      for (const side of i % 2 === 0 ? ['g', 'r'] : ['r', 'g']) {
        const t0 = performance.now();
        const v = await (side === 'g' ? op.g(i) : op.r(i));
        (side === 'g' ? gt : rt).push(performance.now() - t0);
        if (side === 'g') gs += v;
        else rs += v;
      }
    }
    if (op.label === 'send') {
      // Drain what the send rows stored, untimed.
      for (let i = 0; i < OPS; i++) await gIter.next();
      for (let i = 0; i < OPS; i++) ((await rawIter.next()).value as JsMsg).ack();
    }
    if (gs !== sumTo(OPS) || rs !== sumTo(OPS)) throw new Error(`bench: ${op.label} checksums ${gs} ${rs}, expected ${sumTo(OPS)}`);
    const mean = (xs: number[]): number => xs.reduce((x, y) => x + y, 0) / xs.length;
    rows.push({
      workload: op.label,
      'gocsp median us': (median(gt) * 1000).toFixed(0),
      'raw median us': (median(rt) * 1000).toFixed(0),
      'median gocsp/raw': (median(gt) / median(rt)).toFixed(3),
      'gocsp mean us': (mean(gt) * 1000).toFixed(0),
      'raw mean us': (mean(rt) * 1000).toFixed(0),
      'mean gocsp/raw': (mean(gt) / mean(rt)).toFixed(3),
    });
  }
  console.log(`\ninterleaved, operation by operation: ${OPS} operations per side and workload (load ${loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  console.table(rows);

  await ch.release();
  await deleteNatsChan(nc, name);
  messages.stop();
  await jsm.streams.delete(raw);
  await nc.close();
});
