/**
 * job-pool: a job queue served by three worker processes through a pool. Each worker process runs a FixedWorkerPool
 * fed by the network channel `jobs`; each job names the channel its answer goes to (Go's request/reply across
 * processes). A job is acknowledged only once its answer was sent, so a worker process that dies mid-job loses no job:
 * another one runs it after the ack wait. Answers are keyed by job id, so a job answered twice (the at-least-once
 * window) is counted once.
 * Needs a NATS server with JetStream (see README.md). Run: npx tsx examples/distributed/job-pool.ts
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { codec, main } from '../../runtime/index.js';
import { deleteNatsChan, natsChan } from '../../runtime/nats/index.js';
import type { Answer, Job } from './tasks/pool-worker.js';

const URL = process.env['GOCSP_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const N = 30;

main(async () => {
  const nc = await connect({ servers: URL });
  const jobsName = `example-pool-jobs-${process.pid}`;
  const replyName = `example-pool-answers-${process.pid}`;
  const jobs = await natsChan(nc, jobsName, { codec: codec.json<Job>(), capacity: 256 });
  const answers = await natsChan(nc, replyName, { codec: codec.json<Answer>(), capacity: 256 });

  const worker = fileURLToPath(new globalThis.URL('./tasks/pool-worker.ts', import.meta.url));
  const exited = [1, 2, 3].map(() => {
    const p = spawn(process.execPath, ['--import', 'tsx', worker, URL, jobsName], { stdio: 'inherit' });
    return new Promise((r) => p.once('exit', r));
  });

  for (let id = 1; id <= N; id++) await jobs.send({ id, n: id, replyTo: replyName });

  const squares = new Map<number, number>();
  while (squares.size < N) {
    const a = (await answers.recv())!;
    squares.set(a.id, a.square); // keyed by id: a job answered twice counts once
  }
  await jobs.closeAndWait(); // the worker processes drain the queue and stop
  await Promise.all(exited);

  let sum = 0;
  for (const s of squares.values()) sum += s;
  console.log(`${squares.size} jobs answered by pools in 3 worker processes`);
  console.log(`sum of squares 1..${N}: ${sum}`);

  await answers.release();
  await deleteNatsChan(nc, jobsName);
  await deleteNatsChan(nc, replyName);
  await nc.close();
});

// Output:
// 30 jobs answered by pools in 3 worker processes
// sum of squares 1..30: 9455
