/**
 * BasePattern is the seed's pattern base class, kept thin: lifecycle (Lifecycle), metrics (Counters) and config
 * validation are composed in, and a subclass supplies only onStart/onStop and its work.
 *
 * Config (every option validated; a bad one is InvalidArgumentError naming it and the value):
 *   name            unique name in a PatternRegistry             default: `<ClassName>-<n>`
 *   maxConcurrency  work items at once                           default: Infinity
 *   timeout         ms one work item may take                    default: Infinity
 *   retryAttempts   retries after a failed attempt               default: 0 (the pattern retries)
 *   enableMetrics   record latency samples                       default: true
 *   errorHandler    receives every error the pattern handles     default: none
 */
import { bool, func, nonNegativeInt, options, positive, positiveInt } from './option-checks.js';
import { Lifecycle } from './lifecycle.js';
import { Counters, type PatternMetrics } from './metrics.js';
import { InvalidArgumentError } from '../../runtime/index.js';

/**
 * ErrorHandler receives the errors a pattern handles (failed items, stage errors, worker crashes).
 *
 * @example
 * const log: ErrorHandler = (e) => console.error(`[pool] ${e.message}`);
 * const pool = new FixedWorkerPool<number, number>(2, { worker: (n) => n, errorHandler: log });
 */
export type ErrorHandler = (error: Error) => void;

/**
 * PatternConfig is the options every BasePattern takes: name, maxConcurrency, timeout, retryAttempts,
 * enableMetrics and errorHandler (defaults in base-pattern.ts's header).
 *
 * @example
 * const pool = new FixedWorkerPool<Job, Result>(4, { name: 'thumbnails', worker: resize, errorHandler: log.error });
 */
export interface PatternConfig {
  name: string;
  maxConcurrency: number;
  timeout: number;
  retryAttempts: number;
  enableMetrics: boolean;
  errorHandler: ErrorHandler;
}

/** PATTERN_KEYS are the keys of PatternConfig, the options every pattern has. */
export const PATTERN_KEYS: readonly string[] = Object.freeze([
  'name',
  'maxConcurrency',
  'timeout',
  'retryAttempts',
  'enableMetrics',
  'errorHandler',
]);

const serial = new Map<string, number>();

/**
 * resolvePatternConfig validates a partial PatternConfig and fills in the defaults. `known` are the keys `c` may
 * have (default PATTERN_KEYS; a pattern with options of its own passes all of its keys): any other key is an
 * InvalidArgumentError naming it.
 *
 * @example
 * const base = resolvePatternConfig('MyPattern', config, [...PATTERN_KEYS, 'width']);
 */
export function resolvePatternConfig(
  owner: string,
  c: Partial<PatternConfig> | undefined,
  known: readonly string[] = PATTERN_KEYS,
): PatternConfig {
  const o = options(owner, c, known);
  const name = o.name ?? `${owner}-${(serial.set(owner, (serial.get(owner) ?? 0) + 1), serial.get(owner))}`;
  if (typeof name !== 'string' || name === '') {
    throw new InvalidArgumentError(`${owner}: name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  const maxConcurrency = o.maxConcurrency ?? Infinity;
  if (maxConcurrency !== Infinity) positiveInt(owner, 'maxConcurrency', maxConcurrency);
  const timeout = o.timeout ?? Infinity;
  if (timeout !== Infinity) positive(owner, 'timeout', timeout);
  return {
    name,
    maxConcurrency,
    timeout,
    retryAttempts: nonNegativeInt(owner, 'retryAttempts', o.retryAttempts ?? 0),
    enableMetrics: bool(owner, 'enableMetrics', o.enableMetrics ?? true),
    errorHandler: o.errorHandler === undefined ? noop : func(owner, 'errorHandler', o.errorHandler),
  };
}

/**
 * BasePattern is the common face of the patterns that run goroutines (pools, pipelines, fan-out/in): a name,
 * start/stop with a Lifecycle, and getMetrics with counts and latency percentiles. A subclass supplies onStart and
 * onStop. The options are in PatternConfig.
 *
 * @example
 * class Heartbeat extends BasePattern {
 *   protected onStart(): void { go(() => this.#beat()); }
 *   protected onStop(): void { this.#done.close(); }
 * }
 * const hb = new Heartbeat({ name: 'heartbeat' });
 * await hb.start();
 */
export abstract class BasePattern {
  protected readonly config: PatternConfig;
  protected readonly counters = new Counters();
  protected readonly lifecycle: Lifecycle;

  /**
   * BasePattern validates `config` (see the file comment): a bad option or one not in `known` is an
   * InvalidArgumentError. A subclass with options of its own passes the full list of keys it takes
   * (`[...PATTERN_KEYS, 'width']`) and validates its own options itself.
   */
  constructor(config?: Partial<PatternConfig>, known: readonly string[] = PATTERN_KEYS) {
    this.config = resolvePatternConfig(new.target.name, config, known);
    this.lifecycle = new Lifecycle(
      this.config.name,
      () => this.onStart(),
      () => this.onStop(),
    );
  }

  /** name is the pattern's name (unique within a PatternRegistry). */
  get name(): string {
    return this.config.name;
  }

  /** start starts the pattern's goroutines; idempotent. */
  start(): Promise<void> {
    return this.lifecycle.start();
  }

  /** stop stops them (see the subclass for drain or cancel); idempotent. */
  stop(): Promise<void> {
    return this.lifecycle.stop();
  }

  /** isRunning reports whether the pattern is started and not stopped. */
  isRunning(): boolean {
    return this.lifecycle.running;
  }

  /** getMetrics returns a snapshot of what the pattern did. */
  getMetrics(): PatternMetrics {
    const c = this.counters;
    return {
      name: this.config.name,
      running: this.lifecycle.running,
      started: c.started,
      completed: c.completed,
      failed: c.failed,
      errors: c.errors,
      latency: c.latency.summary(),
    };
  }

  /** resetMetrics zeroes the counters. */
  resetMetrics(): void {
    this.counters.reset();
  }

  protected abstract onStart(): Promise<void> | void;
  protected abstract onStop(): Promise<void> | void;

  /** handleError counts an error and routes it to config.errorHandler; a throwing handler does not break the pattern. */
  protected handleError(error: unknown): void {
    this.counters.errors++;
    const e = error instanceof Error ? error : new Error(String(error));
    try {
      this.config.errorHandler(e);
    } catch {
      /* the handler's own failure must not take the pattern down */
    }
  }

  /** record counts one finished work item that took `ms` (if metrics are enabled). */
  protected record(ok: boolean, ms: number): void {
    if (ok) this.counters.completed++;
    else this.counters.failed++;
    if (this.config.enableMetrics) this.counters.latency.add(ms);
  }
}

function noop(): void {}
