/**
 * natsChan across real processes: three producer processes and two consumer processes share one channel; every value
 * is accounted for by count and sum, each exactly once, and each consumer sees each producer's values in order.
 */
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { codec } from '../../../runtime/index.js';
import { deleteNatsChan, natsChan } from '../../../runtime/nats/index.js';
import { Child, received } from './children.js';
import { NATS_URL, natsReachable, uniqueName } from './server.js';

const up = await natsReachable();

describe.skipIf(!up)('natsChan across processes', () => {
  const names: string[] = [];
  afterAll(async () => {
    const nc = await connect({ servers: NATS_URL });
    for (const n of names) await deleteNatsChan(nc, n);
    await nc.close();
  });

  it('delivers every value of three producers exactly once to two consumers, in each producer\'s order', async () => {
    const name = uniqueName('mp');
    names.push(name);
    const perProducer = 300;
    const capacity = 100; // smaller than the total: producers meet backpressure
    const nc = await connect({ servers: NATS_URL });
    const ch = await natsChan(nc, name, { codec: codec.json<{ p: number; i: number }>(), capacity });
    const consumers = [0, 1].map(() => new Child('consumer.ts', [NATS_URL, name, String(capacity), '30000', '16', '0']));
    const producers = [1, 2, 3].map((p) => new Child('producer.ts', [NATS_URL, name, String(p), String(perProducer), String(capacity)]));
    const codes = await Promise.all(producers.map((p) => p.exited));
    expect(codes, producers.map((p) => p.stderr).join('\n')).toEqual([0, 0, 0]);
    await ch.closeAndWait();
    expect(await Promise.all(consumers.map((c) => c.exited))).toEqual([0, 0]);
    await ch.release();
    await nc.close();

    const got = consumers.map(received);
    const all = got.flat();
    expect(all.length).toBe(3 * perProducer);
    expect(all.reduce((s, v) => s + v.p * 1000 + v.i, 0)).toBe(
      [1, 2, 3].reduce((s, p) => s + p * 1000 * perProducer + (perProducer * (perProducer + 1)) / 2, 0),
    );
    expect(new Set(all.map((v) => `${v.p}.${v.i}`)).size).toBe(3 * perProducer);
    for (const g of got) {
      expect(g.length).toBeGreaterThan(0);
      for (const p of [1, 2, 3]) {
        const seq = g.filter((v) => v.p === p).map((v) => v.i);
        expect(seq).toEqual([...seq].sort((x, y) => x - y));
      }
    }
  }, 120_000);
});
