/**
 * A producer process of the multi-process and fault specs: sends `count` values {p, i} (i = 1..count) on the channel
 * and prints `S <i>` once each send resolved (the server stored it), then `DONE`.
 * Usage: producer.ts <url> <name> <producer id> <count> <capacity>
 */
import { connect } from '@nats-io/transport-node';
import { codec } from '../../../../runtime/index.js';
import { natsChan } from '../../../../runtime/nats/index.js';

const [url, name, id, count, capacity] = process.argv.slice(2) as [string, string, string, string, string];
const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
const ch = await natsChan(nc, name, { codec: codec.json<{ p: number; i: number }>(), capacity: Number(capacity) });
for (let i = 1; i <= Number(count); i++) {
  await ch.send({ p: Number(id), i });
  process.stdout.write(`S ${i}\n`);
}
process.stdout.write('DONE\n');
await ch.release();
await nc.drain();
