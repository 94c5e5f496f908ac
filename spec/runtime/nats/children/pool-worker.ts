/**
 * A worker process of the cross-process pool spec: a FixedWorkerPool of 2 (or a DynamicWorkerPool of 1 to 2, with
 * `dynamic`) whose jobs come from the network channel
 * `jobs`, served by serveJobs: a job is acknowledged only after its answer was sent on the job's reply channel, so a
 * job this process dies in is delivered again and run elsewhere. Prints `J <id>` when a job starts and `D <id>` once
 * its answer was sent (its acknowledgement follows).
 * Usage: pool-worker.ts <url> <jobs channel> <ackWaitMs> <ms per job> [fixed|dynamic]
 */
import { connect } from '@nats-io/transport-node';
import { codec, sleep } from '../../../../runtime/index.js';
import { DynamicWorkerPool, FixedWorkerPool } from '../../../../patterns/index.js';
import { natsChan, serveJobs, type NatsChan } from '../../../../runtime/nats/index.js';

export interface Job {
  readonly id: number;
  readonly n: number;
  readonly replyTo: string;
}
export interface Answer {
  readonly id: number;
  readonly square: number;
}

const [url, jobsName, ackWaitMs, msPerJob, kind] = process.argv.slice(2) as [string, string, string, string, string?];
const WORKERS = 2;
const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
const jobs = await natsChan(nc, jobsName, {
  codec: codec.json<Job>(),
  capacity: 1000,
  ackWaitMs: Number(ackWaitMs),
  prefetch: WORKERS,
});
const work = async (n: number): Promise<number> => {
  await sleep(Number(msPerJob));
  return n * n;
};
const pool =
  kind === 'dynamic'
    ? new DynamicWorkerPool<number, number>({ minWorkers: 1, maxWorkers: WORKERS, scalingInterval: 50, worker: work })
    : new FixedWorkerPool<number, number>(WORKERS, { worker: work });
const replies = new Map<string, Promise<NatsChan<Answer>>>();
const replyChan = (name: string): Promise<NatsChan<Answer>> => {
  let ch = replies.get(name);
  if (ch === undefined) replies.set(name, (ch = natsChan(nc, name, { codec: codec.json<Answer>(), capacity: 1000 })));
  return ch;
};

process.stdout.write('READY\n');
// serveJobs takes a job only when one of the pool's workers is free, and acknowledges it after its answer was sent.
await serveJobs(
  jobs,
  (job: Job) => {
    process.stdout.write(`J ${job.id}\n`);
    return pool.submit(job.n);
  },
  {
    concurrency: WORKERS,
    reply: async (job, square) => {
      await (await replyChan(job.replyTo)).send({ id: job.id, square });
      process.stdout.write(`D ${job.id}\n`);
    },
  },
);
await pool.stop();
await jobs.release();
await nc.drain();
