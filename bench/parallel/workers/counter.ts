/**
 * counter: the receiving side of the message-passing peers of shared-chan-throughput. It sums the numbers posted to
 * it, on parentPort (worker.postMessage) or on a MessagePort handed over with `{ t: 'port', port }`, and replies on
 * the same channel once it has the `n` announced by the last `{ t: 'start', n }`, timed from the first number to the
 * last (as the shared-channel consumers time themselves).
 */
import { type MessagePort, parentPort, threadId } from 'node:worker_threads';

export type Control = { readonly t: 'start'; readonly n: number } | { readonly t: 'port'; readonly port: MessagePort };

export interface Counted {
  readonly sum: number;
  readonly ms: number;
  readonly threadId: number;
}

function serve(port: MessagePort): void {
  let n = 0;
  let got = 0;
  let sum = 0;
  let t0 = 0;
  port.on('message', (m: number | Control) => {
    if (typeof m === 'number') {
      if (got++ === 0) t0 = performance.now();
      sum += m;
      if (got === n) port.postMessage({ sum, ms: performance.now() - t0, threadId } satisfies Counted);
    } else if (m.t === 'start') {
      n = m.n;
      got = 0;
      sum = 0;
    } else {
      serve(m.port);
    }
  });
}

serve(parentPort!);
