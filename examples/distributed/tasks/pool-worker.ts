/**
 * pool-worker: a worker process of examples/distributed/job-pool.ts. Its FixedWorkerPool runs jobs taken from the
 * network channel `jobs` (serveJobs), at most as many at once as the pool has workers, and answers each on the
 * reply channel the job names (Go's request/reply). A job is acknowledged only after its answer was sent: if this
 * process dies mid-job, the job is delivered again and run by another process.
 * Usage: pool-worker.ts <nats url> <jobs channel>
 */
import { connect } from '@nats-io/transport-node';
import { FixedWorkerPool } from '../../../patterns/index.js';
import { codec, sleep } from '../../../runtime/index.js';
import { natsChan, serveJobs, type NatsChan } from '../../../runtime/nats/index.js';

export interface Job {
  readonly id: number;
  readonly n: number;
  readonly replyTo: string;
}
export interface Answer {
  readonly id: number;
  readonly square: number;
}

const WORKERS = 2;
const [url, jobsName] = process.argv.slice(2) as [string, string];
const nc = await connect({ servers: url });
const jobs = await natsChan(nc, jobsName, { codec: codec.json<Job>(), capacity: 256, prefetch: WORKERS });
const pool = new FixedWorkerPool<Job, number>(WORKERS, {
  worker: async (job) => {
    await sleep(20); // the work
    return job.n * job.n;
  },
});
const replies = new Map<string, Promise<NatsChan<Answer>>>();
const reply = (name: string): Promise<NatsChan<Answer>> => {
  let ch = replies.get(name);
  if (ch === undefined) replies.set(name, (ch = natsChan(nc, name, { codec: codec.json<Answer>(), capacity: 256 })));
  return ch;
};

// serveJobs takes a job only when a pool worker is free, and acknowledges it only after its answer was sent: if this
// process dies mid-job, the job is delivered again and run by another process. It ends when the channel is closed and
// drained.
await serveJobs(jobs, pool, {
  concurrency: WORKERS,
  reply: async (job, square) => (await reply(job.replyTo)).send({ id: job.id, square }),
});
await pool.stop();
await jobs.release();
await nc.drain();
