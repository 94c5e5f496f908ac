/**
 * metrics-prometheus: the patterns' metrics in the shape monitoring expects. A worker pool, a token-bucket limiter
 * and a circuit breaker guard calls to a flaky service; a small exporter (below, about 40 lines, no dependency)
 * renders their getMetrics() and gauges in Prometheus' text exposition format, and counts the breaker's state
 * changes and the limiter's refusals from their events. Serve `render()` on GET /metrics (node:http) and Prometheus
 * scrapes it; for OpenTelemetry, read the same numbers in an observable gauge's callback instead.
 *
 * It runs on virtual time (synctest.run), so every number printed is exact whatever the machine's load.
 * Run: npx tsx examples/patterns/metrics-prometheus.ts
 */
import { main, sleep, synctest } from '../../runtime/index.js';
import {
  CircuitBreaker,
  FixedWorkerPool,
  isCircuitRejection,
  isRateLimitedError,
  TokenBucketRateLimiter,
  type CircuitState,
} from '../../patterns/index.js';

/** Metric is one family of the exposition format: its samples, each with its labels. */
interface Metric {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'summary';
  samples: { labels?: Record<string, string>; value: number; suffix?: string }[];
}

/** exposition renders metric families in Prometheus' text format (version 0.0.4). */
function exposition(metrics: Metric[]): string {
  const out: string[] = [];
  for (const m of metrics) {
    out.push(`# HELP ${m.name} ${m.help}`, `# TYPE ${m.name} ${m.type}`);
    for (const s of m.samples) {
      const labels = Object.entries(s.labels ?? {}).map(([k, v]) => `${k}="${v.replace(/["\\\n]/g, '\\$&')}"`);
      out.push(`${m.name}${s.suffix ?? ''}${labels.length ? `{${labels.join(',')}}` : ''} ${s.value}`);
    }
  }
  return out.join('\n') + '\n';
}

const STATES: readonly CircuitState[] = ['closed', 'open', 'half-open', 'forced-open'];

main(() => synctest.run(async () => {
  // The service: every call takes 20 ms; calls 5 to 9 fail.
  let served = 0;
  const service = async (id: number): Promise<string> => {
    await sleep(20);
    served++;
    if (served >= 5 && served <= 9) throw new Error(`service down (${id})`);
    return `reply ${id}`;
  };

  const pool = new FixedWorkerPool<number, string>(2, { name: 'api-pool', worker: (id) => service(id) });
  const limiter = new TokenBucketRateLimiter({ capacity: 5, refillRate: 10, refillInterval: 1000, maxWait: 0 });
  const breaker = new CircuitBreaker({ failureThreshold: 3, recoveryTimeout: 200 });

  // Events become counters: state changes by edge, refusals by the limiter.
  const transitions = new Map<string, number>();
  breaker.onStateChange((c) => transitions.set(`${c.from}>${c.to}`, (transitions.get(`${c.from}>${c.to}`) ?? 0) + 1));
  let throttled = 0;

  // 30 requests, one every 50 ms: rate limited, then through the breaker, then run on the pool.
  for (let id = 1; id <= 30; id++) {
    await limiter
      .execute(() => breaker.execute(() => pool.submit(id)))
      .catch((e: unknown) => {
        if (isRateLimitedError(e)) throttled++;
        else if (!isCircuitRejection(e) && !(e instanceof Error && e.message.startsWith('service down'))) throw e;
      });
    await sleep(50);
  }

  const render = (): string => {
    const p = pool.getMetrics();
    const b = breaker.getMetrics();
    return exposition([
      { name: 'pool_jobs_total', help: 'Jobs by outcome.', type: 'counter', samples: [
        { labels: { pool: p.name, outcome: 'completed' }, value: p.completed },
        { labels: { pool: p.name, outcome: 'failed' }, value: p.failed },
        { labels: { pool: p.name, outcome: 'rejected' }, value: p.rejected },
      ] },
      { name: 'pool_workers', help: 'Workers, busy or not.', type: 'gauge', samples: [{ labels: { pool: p.name }, value: p.workers }] },
      { name: 'pool_queue_length', help: 'Jobs waiting for a worker.', type: 'gauge', samples: [{ labels: { pool: p.name }, value: p.queueLength }] },
      { name: 'pool_run_time_ms', help: 'Time jobs ran.', type: 'summary', samples: [
        { labels: { pool: p.name, quantile: '0.5' }, value: p.runTime.p50 },
        { labels: { pool: p.name, quantile: '0.99' }, value: p.runTime.p99 },
        { labels: { pool: p.name }, value: p.runTime.count, suffix: '_count' },
      ] },
      { name: 'limiter_tokens_available', help: 'Tokens in the bucket now.', type: 'gauge', samples: [{ value: Math.floor(limiter.getAvailableTokens()) }] },
      { name: 'limiter_throttled_total', help: 'Requests refused by the limiter.', type: 'counter', samples: [{ value: throttled }] },
      { name: 'breaker_state', help: '1 for the current state of the breaker.', type: 'gauge', samples: STATES.map((s) => ({ labels: { state: s }, value: b.state === s ? 1 : 0 })) },
      { name: 'breaker_calls_total', help: 'Calls by outcome.', type: 'counter', samples: [
        { labels: { outcome: 'success' }, value: b.successes },
        { labels: { outcome: 'failure' }, value: b.failures },
        { labels: { outcome: 'rejected' }, value: b.rejections },
      ] },
      { name: 'breaker_transitions_total', help: 'State changes by edge.', type: 'counter', samples: [...transitions].map(([edge, n]) => {
        const [from, to] = edge.split('>') as [string, string];
        return { labels: { from, to }, value: n };
      }) },
    ]);
  };
  process.stdout.write(render());
  await pool.stop();
}));

// Output:
// # HELP pool_jobs_total Jobs by outcome.
// # TYPE pool_jobs_total counter
// pool_jobs_total{pool="api-pool",outcome="completed"} 11
// pool_jobs_total{pool="api-pool",outcome="failed"} 5
// pool_jobs_total{pool="api-pool",outcome="rejected"} 0
// # HELP pool_workers Workers, busy or not.
// # TYPE pool_workers gauge
// pool_workers{pool="api-pool"} 2
// # HELP pool_queue_length Jobs waiting for a worker.
// # TYPE pool_queue_length gauge
// pool_queue_length{pool="api-pool"} 0
// # HELP pool_run_time_ms Time jobs ran.
// # TYPE pool_run_time_ms summary
// pool_run_time_ms{pool="api-pool",quantile="0.5"} 20
// pool_run_time_ms{pool="api-pool",quantile="0.99"} 20
// pool_run_time_ms_count{pool="api-pool"} 16
// # HELP limiter_tokens_available Tokens in the bucket now.
// # TYPE limiter_tokens_available gauge
// limiter_tokens_available 1
// # HELP limiter_throttled_total Requests refused by the limiter.
// # TYPE limiter_throttled_total counter
// limiter_throttled_total 8
// # HELP breaker_state 1 for the current state of the breaker.
// # TYPE breaker_state gauge
// breaker_state{state="closed"} 1
// breaker_state{state="open"} 0
// breaker_state{state="half-open"} 0
// breaker_state{state="forced-open"} 0
// # HELP breaker_calls_total Calls by outcome.
// # TYPE breaker_calls_total counter
// breaker_calls_total{outcome="success"} 11
// breaker_calls_total{outcome="failure"} 5
// breaker_calls_total{outcome="rejected"} 6
// # HELP breaker_transitions_total State changes by edge.
// # TYPE breaker_transitions_total counter
// breaker_transitions_total{from="closed",to="open"} 1
// breaker_transitions_total{from="open",to="half-open"} 3
// breaker_transitions_total{from="half-open",to="open"} 2
// breaker_transitions_total{from="half-open",to="closed"} 1
