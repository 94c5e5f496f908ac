/**
 * resilient-http: a client that survives a flaky HTTP server, end to end, through one line of policies:
 *
 *   const client = wrap(retry, breaker, limiter);
 *
 * - retry (outermost): up to 4 attempts, backoff 50, 100, 200 ms; waits out an open circuit when the breaker says
 *   when it half-opens (BrokenCircuitError.remainingMs), instead of spending attempts on it.
 * - breaker: opens after 3 consecutive failures, admits one probe 600 ms later.
 * - limiter: a token bucket pacing attempts to the server (4 at once, 20 a second); it only delays.
 * - each attempt has its own 250 ms deadline (withTimeout), passed to the request as an AbortSignal.
 *
 * The server (node:http on 127.0.0.1, an ephemeral port) is flaky by request count, not at random, so the run is
 * the same every time: every 3rd request gets a 503, request 4 hangs (the client's deadline aborts it), and
 * requests 10-12 are an outage (503). The client makes 10 requests one after another and prints what happened to
 * each; the breaker prints its state changes. Everything printed is decided by counts, not by how fast the machine is:
 * every wait that matters has hundreds of milliseconds of margin.
 *
 * Run: npx tsx examples/patterns/resilient-http.ts
 */
import { createServer, request, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { main, withTimeout, isDeadlineExceeded, type Context } from '../../runtime/index.js';
import {
  CircuitBreaker,
  isCircuitRejection,
  isRetryExhaustedError,
  RetryExecutor,
  RetryPolicy,
  TokenBucketRateLimiter,
  wrap,
} from '../../patterns/index.js';

/** HttpError is a response with a status the client treats as a failure. */
class HttpError extends Error {
  override name = 'HttpError';
  constructor(readonly status: number) {
    super(`HTTP ${status}`);
  }
}

/** flakyServer answers GET /item/<id> by the count of requests it has received (see the file comment). */
function flakyServer() {
  let count = 0;
  const hanging = new Set<NodeJS.Timeout>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const n = ++count;
    if (n === 4) {
      const t = setTimeout(() => res.end('late'), 10_000); // the client gives up long before
      hanging.add(t);
      res.on('close', () => {
        clearTimeout(t);
        hanging.delete(t);
      });
      return;
    }
    if (n % 3 === 0 || (n >= 10 && n <= 12)) {
      res.writeHead(503).end('unavailable');
      return;
    }
    res.writeHead(200, { 'content-type': 'text/plain' }).end(`item ${req.url?.split('/').pop()}`);
  });
  return {
    server,
    requests: () => count,
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of hanging) clearTimeout(t);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** get fetches `url` with node:http, aborted by `signal`; a status other than 200 is an HttpError. */
function get(url: string, signal: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = request(url, { signal, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => (res.statusCode === 200 ? resolve(body) : reject(new HttpError(res.statusCode ?? 0))));
      res.on('error', reject);
    });
    req.on('error', (e) => reject(signal.aborted ? signal.reason : e));
    req.end();
  });
}

/** describe names an attempt's failure for the log. */
function describe(e: unknown): string {
  if (e instanceof HttpError) return String(e.status);
  if (isDeadlineExceeded(e)) return 'timeout';
  if (isCircuitRejection(e)) return 'breaker open';
  return (e as Error).message;
}

main(async () => {
  const srv = flakyServer();
  await new Promise<void>((resolve) => srv.server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(srv.server.address() as AddressInfo).port}`;

  const breaker = new CircuitBreaker({ failureThreshold: 3, recoveryTimeout: 600, halfOpenMaxRequests: 1 });
  breaker.onStateChange((c) => console.log(`  breaker: ${c.from} -> ${c.to} (${c.reason})`));
  const limiter = new TokenBucketRateLimiter({ capacity: 4, refillRate: 20, refillInterval: 1000 });
  let log: string[] = [];
  const retry = new RetryExecutor(
    new RetryPolicy({
      maxAttempts: 4,
      backoffStrategy: 'exponential',
      initialDelay: 50,
      maxDelay: 1000,
      jitter: 'none', // deterministic output; keep jitter on in production
      // Retry server errors, timeouts and the breaker's rejections (which say when to come back).
      retryCondition: (e) =>
        (e instanceof HttpError && e.status >= 500) || isDeadlineExceeded(e) || isCircuitRejection(e),
    }),
    { onRetry: ({ error }) => void log.push(describe(error)) },
  );
  const client = wrap(retry, breaker, limiter);

  const fetchItem = (id: number) => async (ctx: Context): Promise<string> => {
    const [attempt, cancel] = withTimeout(ctx, 250);
    try {
      return await get(`${base}/item/${id}`, attempt.signal);
    } finally {
      cancel();
    }
  };

  for (let id = 1; id <= 10; id++) {
    log = [];
    try {
      const body = await client.execute(fetchItem(id));
      log.push('200');
      console.log(`request ${id}: ${log.join(', ')} -> "${body}" (${log.length} attempt${log.length > 1 ? 's' : ''})`);
    } catch (e) {
      if (!isRetryExhaustedError(e)) throw e;
      log.push(describe(e.cause));
      console.log(`request ${id}: ${log.join(', ')} -> gave up after ${e.attempts} attempts`);
    }
  }

  const r = retry.getMetrics();
  const b = breaker.getMetrics();
  console.log(`retry: ${r.executions} requests, ${r.attempts} attempts, ${r.retries} retries, ${r.giveUps} given up`);
  console.log(`breaker: ${b.calls} calls let through, ${b.rejections} rejected while open, now ${b.state}`);
  console.log(`server: ${srv.requests()} requests received`);
  await srv.close();
});

// Output:
// request 1: 200 -> "item 1" (1 attempt)
// request 2: 200 -> "item 2" (1 attempt)
// request 3: 503, timeout, 200 -> "item 3" (3 attempts)
// request 4: 503, 200 -> "item 4" (2 attempts)
// request 5: 200 -> "item 5" (1 attempt)
//   breaker: closed -> open (failure-threshold)
// request 6: 503, 503, 503, breaker open -> gave up after 4 attempts
//   breaker: open -> half-open (recovery-timeout)
//   breaker: half-open -> open (probe-failure)
//   breaker: open -> half-open (recovery-timeout)
//   breaker: half-open -> closed (probes-succeeded)
// request 7: breaker open, 503, breaker open, 200 -> "item 7" (4 attempts)
// request 8: 200 -> "item 8" (1 attempt)
// request 9: 503, 200 -> "item 9" (2 attempts)
// request 10: 200 -> "item 10" (1 attempt)
// retry: 10 requests, 20 attempts, 10 retries, 1 given up
// breaker: 17 calls let through, 3 rejected while open, now closed
// server: 17 requests received
