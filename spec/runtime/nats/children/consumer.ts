/**
 * A consumer process of the multi-process and fault specs: receives values {p, i} until the channel is closed and
 * drained, printing `R <p> <i> <Date.now()>` as each one is received (stdout to a pipe is synchronous: the line is out before
 * the next value), then `END`.
 * Usage: consumer.ts <url> <name> <capacity> <ackWaitMs> <prefetch> <delayMs per value>
 */
import { connect } from '@nats-io/transport-node';
import { codec } from '../../../../runtime/index.js';
import { natsChan } from '../../../../runtime/nats/index.js';

const [url, name, capacity, ackWaitMs, prefetch, delayMs] = process.argv.slice(2) as [string, string, string, string, string, string];
const nc = await connect({ servers: url, maxReconnectAttempts: -1, reconnectTimeWait: 100 });
const ch = await natsChan(nc, name, {
  codec: codec.json<{ p: number; i: number }>(),
  capacity: Number(capacity),
  ackWaitMs: Number(ackWaitMs),
  prefetch: Number(prefetch),
});
process.stdout.write('READY\n');
for await (const v of ch) {
  process.stdout.write(`R ${v.p} ${v.i} ${Date.now()}\n`);
  if (Number(delayMs) > 0) await new Promise((r) => setTimeout(r, Number(delayMs)));
}
process.stdout.write('END\n');
await ch.release();
await nc.drain();
