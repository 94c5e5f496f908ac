/**
 * nats-chan: a job queue across processes. This program sends 100 jobs on a network channel (a NATS JetStream
 * stream); two worker processes take them, each job exactly once, and send the answers back on a second network
 * channel. Closing `jobs` ends the workers' `for await` once they have drained it, as with a local channel.
 * Needs a NATS server with JetStream (see README.md). Run: npx tsx examples/distributed/nats-chan.ts
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { connect } from '@nats-io/transport-node';
import { codec, main } from '../../runtime/index.js';
import { deleteNatsChan, natsChan } from '../../runtime/nats/index.js';

const URL = process.env['GOCSP_NATS_URL'] ?? 'nats://127.0.0.1:4222';
const N = 100;

main(async () => {
  const nc = await connect({ servers: URL });
  const jobsName = `example-jobs-${process.pid}`;
  const resultsName = `example-results-${process.pid}`;
  const jobs = await natsChan(nc, jobsName, { codec: codec.int32, capacity: 64 });
  const results = await natsChan(nc, resultsName, { codec: codec.json<{ n: number; square: number }>(), capacity: 64 });

  // Two worker processes (each `node --import tsx tasks/squarer.ts`).
  const worker = fileURLToPath(new globalThis.URL('./tasks/squarer.ts', import.meta.url));
  const workers = [1, 2].map(() =>
    spawn(process.execPath, ['--import', 'tsx', worker, URL, jobsName, resultsName], { stdio: 'inherit' }),
  );
  const exited = workers.map((w) => new Promise((r) => w.once('exit', r)));

  for (let n = 1; n <= N; n++) await jobs.send(n); // waits while 64 jobs are stored and not yet taken
  await jobs.closeAndWait(); // every process sees it: the workers drain what is stored, then stop

  let count = 0;
  let sum = 0;
  const seen = new Set<number>();
  for (let i = 0; i < N; i++) {
    const r = (await results.recv())!;
    count++;
    sum += r.square;
    seen.add(r.n);
  }
  console.log(`${count} answers for ${seen.size} distinct jobs`);
  console.log(`sum of squares 1..${N}: ${sum}`);

  await Promise.all(exited);
  await results.release();
  await deleteNatsChan(nc, jobsName);
  await deleteNatsChan(nc, resultsName);
  await nc.close();
});

// Output:
// 100 answers for 100 distinct jobs
// sum of squares 1..100: 338350
