/**
 * request-reply: Go's request/reply idiom across threads. Every request carries the channel its answer must go to:
 * a shared channel sent through a shared channel arrives on the other thread as a working channel, bound to the
 * same memory. The server is a goroutine on a worker thread; three clients run on the main thread and on worker
 * threads, each making a reply channel per request, so answers never mix. Each request also carries 500 numbers
 * (4 KB), four times the channel's 1 KB slots: such a value travels out of line, as it comes.
 * Run: npx tsx examples/request-reply.ts
 */
import { codec, go, goThread, main, sharedChan } from '../runtime/index.js';
import { client, serve, type Request } from './tasks/request-reply.js';

const N = 20; // requests per client
const SIZE = 500; // values per request

main(async () => {
  const requests = sharedChan(codec.structured<Request>(), 16);
  const served = goThread(serve, requests); // the server, on a worker
  const asked = await Promise.all([
    client('main', requests, N, SIZE), // a client on this thread: a task is a function like any other
    goThread(client, 'worker 1', requests, N, SIZE),
    goThread(client, 'worker 2', requests, N, SIZE),
  ]);
  requests.close(); // the server's `for await` ends
  for (const a of asked) console.log(`${a.client}: ${a.answers} answers, total ${a.total}`);
  const s = await served;
  console.log(`server: ${s.requests} requests from ${s.clients.join(', ')}`);
  console.log(`expected total per client: ${(SIZE * N * (N + 1)) / 2}`);
});

// Output:
// main: 20 answers, total 105000
// worker 1: 20 answers, total 105000
// worker 2: 20 answers, total 105000
// server: 60 requests from main, worker 1, worker 2
// expected total per client: 105000
