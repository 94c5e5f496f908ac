/**
 * A worker process that closes its connection while serveJobs waits for a job on an empty channel: it prints
 * `READY` once serveJobs waits, then closes the connection, and prints how serveJobs ended (`ENDED <error name>` or
 * `ENDED ok`). Nothing but the connection keeps this process alive, so a serveJobs left pending lets it exit
 * without that line.
 * Usage: serve-then-close.ts <url> <jobs channel>
 */
import { connect } from '@nats-io/transport-node';
import { codec, sleep } from '../../../../runtime/index.js';
import { natsChan, serveJobs } from '../../../../runtime/nats/index.js';

const [url, name] = process.argv.slice(2) as [string, string];
const nc = await connect({ servers: url });
const jobs = await natsChan(nc, name, { codec: codec.json<number>(), capacity: 10 });
const served = serveJobs(jobs, (n: number) => n, { concurrency: 2 }).then(
  () => 'ok',
  (e: unknown) => (e as Error).name,
);
await sleep(100); // serveJobs's receive is parked, its pull request pending
process.stdout.write('READY\n');
await nc.close();
process.stdout.write(`ENDED ${await served}\n`);
