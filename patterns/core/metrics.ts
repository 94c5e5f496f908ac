/**
 * Metrics records what a pattern did: counters and latency samples, with percentiles computed on read from a
 * bounded reservoir (the most recent `window` samples), so memory stays constant however long a pattern runs.
 */

/**
 * LatencySummary is a distribution of durations in milliseconds.
 *
 * @example
 * const l: LatencySummary = pool.getMetrics().latency;
 * console.log(`p99 ${l.p99.toFixed(1)} ms over ${l.count} items`);
 */
export interface LatencySummary {
  readonly count: number;
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  readonly max: number;
}

const EMPTY: LatencySummary = Object.freeze({ count: 0, mean: 0, p50: 0, p90: 0, p99: 0, max: 0 });

/**
 * Samples keeps the last `window` durations.
 *
 * @example
 * const s = new Samples(100); // keeps the last 100 durations
 * for (const ms of [5, 1, 3]) s.add(ms);
 * s.summary(); // { count: 3, mean: 3, p50: 3, p90: 5, p99: 5, max: 5 }
 */
export class Samples {
  readonly #buf: Float64Array;
  #n = 0;
  #total = 0;

  constructor(window = 1024) {
    this.#buf = new Float64Array(window);
  }

  add(ms: number): void {
    this.#buf[this.#n % this.#buf.length] = ms;
    this.#n++;
    this.#total++;
  }

  /** count is every sample ever added (the summary covers the last `window`). */
  get count(): number {
    return this.#total;
  }

  summary(): LatencySummary {
    const n = Math.min(this.#n, this.#buf.length);
    if (n === 0) return EMPTY;
    const sorted = this.#buf.slice(0, n).sort();
    const at = (q: number): number => sorted[Math.min(n - 1, Math.floor(q * n))]!;
    let sum = 0;
    for (const v of sorted) sum += v;
    return { count: this.#total, mean: sum / n, p50: at(0.5), p90: at(0.9), p99: at(0.99), max: sorted[n - 1]! };
  }

  reset(): void {
    this.#n = 0;
    this.#total = 0;
  }
}

/**
 * PatternMetrics is what every pattern reports (families add their own fields).
 *
 * @example
 * const m: PatternMetrics = pattern.getMetrics();
 * console.log(`${m.name}: ${m.completed}/${m.started} done, ${m.failed} failed, p50 ${m.latency.p50} ms`);
 */
export interface PatternMetrics {
  readonly name: string;
  readonly running: boolean;
  readonly started: number;
  readonly completed: number;
  readonly failed: number;
  readonly errors: number;
  readonly latency: LatencySummary;
}

/**
 * Counters is the mutable side of PatternMetrics.
 *
 * @example
 * const c = new Counters(); // a BasePattern subclass has its own as this.counters
 * c.started++;
 * c.completed++;
 * c.latency.add(12);
 * c.latency.summary().p50; // 12
 */
export class Counters {
  started = 0;
  completed = 0;
  failed = 0;
  errors = 0;
  readonly latency = new Samples();

  reset(): void {
    this.started = this.completed = this.failed = this.errors = 0;
    this.latency.reset();
  }
}
