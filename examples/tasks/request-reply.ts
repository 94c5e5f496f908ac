/** Task module of examples/request-reply.ts: the server and the clients, which run on worker threads. */
import { codec, sharedChan, task, type RecvChan, type SendChan, type SharedChan } from '../../runtime/index.js';

/** Request asks the server to add up `values`; the answer goes to `reply`, a channel of the asker's own. */
export interface Request {
  readonly client: string;
  readonly values: Float64Array;
  readonly reply: SendChan<number>;
}

/** Served is what the server reports once the requests channel is closed. */
export interface Served {
  readonly requests: number;
  readonly clients: readonly string[];
}

/** serve answers every request on its own reply channel, until `requests` is closed. */
export const serve = task(import.meta.url, async function serve(requests: RecvChan<Request>): Promise<Served> {
  const clients = new Set<string>();
  let n = 0;
  for await (const req of requests) {
    let sum = 0;
    for (const v of req.values) sum += v;
    await req.reply.send(sum); // the reply channel arrived bound to the asker's memory
    clients.add(req.client);
    n++;
  }
  return { requests: n, clients: [...clients].sort() };
});

/** Asked is a client's tally: how many requests it made and the sum of the answers. */
export interface Asked {
  readonly client: string;
  readonly answers: number;
  readonly total: number;
}

/**
 * client makes `n` requests, each with `size` values (8 bytes each: 500 of them make a request four times longer
 * than the channel's 1024-byte slots, so it travels out of line) and a reply channel made for that request alone.
 */
export const client = task(
  import.meta.url,
  async function client(name: string, requests: SendChan<Request>, n: number, size: number): Promise<Asked> {
    let total = 0;
    for (let i = 1; i <= n; i++) {
      const reply: SharedChan<number> = sharedChan(codec.float64, 1);
      await requests.send({ client: name, values: new Float64Array(size).fill(i), reply });
      total += (await reply.recv())!;
    }
    return { client: name, answers: n, total };
  },
);
