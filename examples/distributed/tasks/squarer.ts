/**
 * squarer: a worker process of examples/distributed/nats-chan.ts. It takes jobs from the network channel `jobs`
 * until it is closed and drained, and sends each answer on `results`: each job reaches exactly one worker process.
 * Usage: squarer.ts <nats url> <jobs channel> <results channel>
 */
import { connect } from '@nats-io/transport-node';
import { codec } from '../../../runtime/index.js';
import { natsChan } from '../../../runtime/nats/index.js';

const [url, jobsName, resultsName] = process.argv.slice(2) as [string, string, string];
const nc = await connect({ servers: url });
const jobs = await natsChan(nc, jobsName, { codec: codec.int32, capacity: 64 });
const results = await natsChan(nc, resultsName, { codec: codec.json<{ n: number; square: number }>(), capacity: 64 });
for await (const n of jobs) {
  await results.send({ n, square: n * n }); // resolves once the server stored it
}
await jobs.release();
await nc.drain();
