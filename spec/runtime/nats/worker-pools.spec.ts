/**
 * Worker pools across processes over network channels (issue 13 §3): three worker processes, each a FixedWorkerPool
 * (two of them) or a DynamicWorkerPool (the third) taking jobs from one natsChan as Deliveries and answering on the job's reply channel (Go's request/reply), a job
 * acknowledged only once its answer was sent. One worker process is killed with SIGKILL in the middle of its jobs:
 * they are delivered again and run by the others, and every job is answered.
 */
import { connect } from '@nats-io/transport-node';
import { afterAll, describe, expect, it } from 'vitest';
import { codec } from '../../../runtime/index.js';
import { deleteNatsChan, natsChan } from '../../../runtime/nats/index.js';
import type { Answer, Job } from './children/pool-worker.js';
import { Child } from './children.js';
import { NATS_URL, natsReachable, uniqueName } from './server.js';

const up = await natsReachable();

describe.skipIf(!up)('worker pools across processes', () => {
  const names: string[] = [];
  afterAll(async () => {
    const nc = await connect({ servers: NATS_URL });
    for (const n of names) await deleteNatsChan(nc, n);
    await nc.close();
  });

  it('answers every job once a worker process is killed mid-job, rerunning its jobs elsewhere', async () => {
    const jobsName = uniqueName('pool-jobs');
    const replyName = uniqueName('pool-replies');
    names.push(jobsName, replyName);
    const n = 60;
    const nc = await connect({ servers: NATS_URL });
    const jobs = await natsChan(nc, jobsName, { codec: codec.json<Job>(), capacity: 1000, ackWaitMs: 1500 });
    const replies = await natsChan(nc, replyName, { codec: codec.json<Answer>(), capacity: 1000 });
    // Two processes run a FixedWorkerPool, one a DynamicWorkerPool.
    const workers = ['fixed', 'fixed', 'dynamic'].map((kind) => new Child('pool-worker.ts', [NATS_URL, jobsName, '1500', '100', kind]));
    await Promise.all(workers.map((w) => w.waitFor((l) => l === 'READY')));
    for (let id = 1; id <= n; id++) await jobs.send({ id, n: id, replyTo: replyName });

    // Kill a worker process that has started jobs it has not finished.
    const victim = workers[0]!;
    await victim.waitFor((l) => l.startsWith('J ') && victim.count((x) => x.startsWith('D ')) >= 2);
    await victim.kill9();
    const started = victim.lines.filter((l) => l.startsWith('J ')).map((l) => Number(l.slice(2)));
    const finished = new Set(victim.lines.filter((l) => l.startsWith('D ')).map((l) => Number(l.slice(2))));
    const lost = started.filter((id) => !finished.has(id));
    expect(lost.length).toBeGreaterThan(0);

    const answered = new Map<number, number>();
    while (answered.size < n) {
      const a = (await replies.recv())!;
      answered.set(a.id, a.square);
    }
    await jobs.closeAndWait();
    expect(await Promise.all(workers.slice(1).map((w) => w.exited))).toEqual([0, 0]);
    for (let id = 1; id <= n; id++) expect(answered.get(id)).toBe(id * id);
    // The killed process's unfinished jobs were run again by the others.
    const doneBy = (w: Child): number[] => w.lines.filter((l) => l.startsWith('D ')).map((l) => Number(l.slice(2)));
    const doneElsewhere = new Set(workers.slice(1).flatMap(doneBy));
    for (const id of lost) expect(doneElsewhere.has(id)).toBe(true);
    expect(doneBy(workers[2]!).length, 'the DynamicWorkerPool process did jobs').toBeGreaterThan(0);
    await jobs.release();
    await replies.release();
    await nc.close();
  }, 120_000);
});
