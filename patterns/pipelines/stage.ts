/**
 * PipelineStage is one step of a Pipeline: a processor run by `concurrency` goroutines that receive from the stage's
 * input channel and send to its output channel of capacity `bufferSize` (run.ts starts them). The class holds what
 * is per stage and shared by every run: the validated config, the per-item step (retries, timeout) and the metrics.
 *
 * Config (every option validated; a bad one is InvalidArgumentError naming it and the value):
 *   name            the stage's name, in dead letters and errors          default: `PipelineStage-<n>`
 *   processor       (input, ctx) => output | Promise<output>              required
 *   concurrency     goroutines processing items at once                   default 1
 *   bufferSize      capacity of the stage's output channel                default 16
 *   retryAttempts   retries after a failed attempt                        default 0
 *   retryPolicy     a RetryPolicy for the waits between attempts          default: exponential from 100 ms, full jitter
 *   timeout         ms one attempt may take (its ctx is then canceled)    default Infinity
 *   enableMetrics   record latency samples                                default true
 *   errorHandler    receives every error of an item that failed           default none
 */
import { cause, type Context, withTimeout, InvalidArgumentError, nowMillis } from '../../runtime/index.js';
import { BasePattern, type PatternConfig } from '../core/base-pattern.js';
import { type Cancel, toContext } from '../core/cancel.js';
import { func, misplaced, nonNegativeInt, options, positiveInt, show } from '../core/option-checks.js';
import type { PatternMetrics } from '../core/metrics.js';
import { RetryExecutor } from '../retry/retry-executor.js';
import { RetryPolicy } from '../retry/retry-policy.js';
import { PipelineFilteredError } from './pipeline-errors.js';
import { DROP, type Drop, type Processor } from './processor.js';
import { runStages, type RunStage } from './run.js';

/**
 * StageOptions are a stage's options beside its name and processor.
 *
 * @example
 * const opts: Partial<StageOptions> = { concurrency: 4, timeout: 1000, retryAttempts: 2 };
 * const p = new Pipeline<string>().addStage('length', (s) => s.length, opts);
 */
export interface StageOptions extends Omit<PatternConfig, 'name' | 'maxConcurrency'> {
  concurrency: number;
  bufferSize: number;
  retryPolicy: RetryPolicy;
}

/**
 * PipelineStageConfig is the seed's stage object: a name, a processor, and any StageOptions.
 *
 * @example
 * const length: PipelineStageConfig<string, number> = { name: 'length', processor: (s) => s.length, concurrency: 2 };
 * const p = new Pipeline<string>().addStage(length);
 */
export type PipelineStageConfig<I, O> = Partial<StageOptions> & { name?: string; processor: Processor<I, O> };

/**
 * StageMetrics adds the stage's shape, its retries and its throughput to PatternMetrics.
 *
 * @example
 * const m: StageMetrics = stage.getMetrics();
 * console.log(`${m.name}: ${m.completed} items, ${m.retries} retries, ${m.throughput.toFixed(1)}/s`);
 */
export interface StageMetrics extends PatternMetrics {
  readonly concurrency: number;
  readonly bufferSize: number;
  readonly retries: number;
  /** throughput is items finished per second, from the first item's start to the last item's end. */
  readonly throughput: number;
}

const OWNER = 'PipelineStage';

/** STAGE_OPTION_KEYS are the keys of StageOptions; STAGE_KEYS those of PipelineStageConfig (name and processor too). */
export const STAGE_OPTION_KEYS: readonly string[] = Object.freeze([
  'timeout',
  'retryAttempts',
  'enableMetrics',
  'errorHandler',
  'concurrency',
  'bufferSize',
  'retryPolicy',
]);
export const STAGE_KEYS: readonly string[] = Object.freeze(['name', 'processor', ...STAGE_OPTION_KEYS]);

/**
 * PipelineStage is one named step of a Pipeline (also usable alone: process, processBatch). process runs the
 * processor once per attempt on the caller's turn; processBatch starts the stage's goroutines, which apply
 * backpressure through their channels. A cancel (Context or AbortSignal) cancels the ctx the processor receives and
 * ends the waits between retries; processBatch then rejects with the cancellation's cause.
 *
 * @example
 * const parse = new PipelineStage({ name: 'parse', processor: (s: string) => JSON.parse(s), concurrency: 2 });
 * await parse.processBatch(['1', '2']); // [1, 2]
 * parse.getThroughput(); // items per second
 */
export class PipelineStage<I, O> extends BasePattern implements RunStage {
  /** concurrency is the number of goroutines that run the processor in a run. */
  readonly concurrency: number;
  /** bufferSize is the capacity of the stage's output channel. */
  readonly bufferSize: number;
  readonly #processor: Processor<I, O>;
  readonly #retry: RetryExecutor | null;
  #retries = 0;
  #first = -1;
  #last = -1;

  /** constructor validates `config`; throws InvalidArgumentError naming a bad option and its value. */
  constructor(config: PipelineStageConfig<I, O>) {
    misplaced(OWNER, config, 'maxConcurrency', 'is not a stage option (use concurrency)');
    const c = options(OWNER, config, STAGE_KEYS);
    super(c, STAGE_KEYS);
    this.#processor = func(OWNER, 'processor', c.processor) as Processor<I, O>;
    this.concurrency = positiveInt(OWNER, 'concurrency', c.concurrency ?? 1);
    this.bufferSize = nonNegativeInt(OWNER, 'bufferSize', c.bufferSize ?? 16);
    if (c.retryPolicy !== undefined && !(c.retryPolicy instanceof RetryPolicy)) {
      throw new InvalidArgumentError(`${OWNER}: retryPolicy must be a RetryPolicy, got ${show(c.retryPolicy)}`);
    }
    const attempts = this.config.retryAttempts + 1;
    const policy = c.retryPolicy ?? (attempts > 1 ? new RetryPolicy({ maxAttempts: attempts, jitter: 'full' }) : null);
    this.#retry =
      policy === null || policy.maxAttempts === 1
        ? null
        : new RetryExecutor(policy, { rethrowLastError: true, onRetry: () => void this.#retries++ });
    this.#startNow();
  }

  /**
   * step is one item through the stage: begin, call, end. It resolves with the output or DROP, or rejects with the
   * last attempt's error (or the cancellation's cause). process is step plus a check; the run's goroutines inline the
   * three parts, so that a stage hop awaits the processor's own promise and nothing else.
   */
  async step(input: I, ctx: Context): Promise<O | Drop> {
    const t0 = this.begin();
    try {
      const out = await this.call(input, ctx);
      this.end(t0);
      return out;
    } catch (e) {
      this.fail(t0, e, ctx);
      throw e;
    }
  }

  /** begin counts an item started and returns its start time (0 with metrics off: the clock is not read). */
  begin(): number {
    this.counters.started++;
    if (!this.config.enableMetrics) return 0;
    const t0 = nowMillis();
    if (this.#first < 0) this.#first = t0;
    return t0;
  }

  /** call is one item's attempts: the processor itself when there is no retry and no timeout. */
  call(input: I, ctx: Context): O | Drop | Promise<O | Drop> {
    if (this.#retry === null) return this.#attempt(input, ctx);
    return this.#retry.execute((c) => this.#attempt(input, c), ctx);
  }

  /** end counts an item that succeeded. */
  end(t0: number): void {
    this.#finish(true, t0);
  }

  /** fail counts an item that failed and reports its error to errorHandler (unless the run was canceled). */
  fail(t0: number, e: unknown, ctx: Context): void {
    this.#finish(false, t0);
    if (ctx.err() === null) this.handleError(e);
  }

  /**
   * process runs one item through the stage (with its retries) and resolves with the output. Rejects with the
   * processor's last error, PipelineFilteredError if the processor returned DROP, the cancel's cause if canceled,
   * and PatternStoppedError once the stage is stopped.
   */
  async process(input: I, cancel?: Cancel): Promise<O> {
    this.#usable();
    const [ctx, release] = toContext(cancel);
    try {
      const out = await this.step(input, ctx);
      if (out === DROP) throw new PipelineFilteredError(input);
      return out;
    } finally {
      release();
    }
  }

  /**
   * processBatch runs `inputs` through the stage's goroutines and resolves with the outputs in input order (DROP
   * results left out). Rejects with PipelineStageError on the first failing item (a batch is all or nothing), or the
   * cancel's cause; every goroutine has returned when it settles.
   */
  async processBatch(inputs: readonly I[], cancel?: Cancel): Promise<O[]> {
    this.#usable();
    if (!Array.isArray(inputs)) throw new InvalidArgumentError(`${OWNER}.processBatch: inputs must be an array, got ${show(inputs)}`);
    return runStages<O>([this], inputs, { ordered: true, failFast: true, cancel, onDeadLetter: null }).collect();
  }

  /** getMetrics returns the counters, the stage's shape, its retries and its throughput. */
  override getMetrics(): StageMetrics {
    return { ...super.getMetrics(), concurrency: this.concurrency, bufferSize: this.bufferSize, retries: this.#retries, throughput: this.getThroughput() };
  }

  override resetMetrics(): void {
    super.resetMetrics();
    this.#retries = 0;
    this.#first = this.#last = -1;
  }

  /**
   * getThroughput is items finished per second between the first item's start and the last one's end (0 before any,
   * and 0 with enableMetrics off: the clock is not read then).
   */
  getThroughput(): number {
    const done = this.counters.completed + this.counters.failed;
    const span = this.#last - this.#first;
    if (done === 0 || !this.config.enableMetrics) return 0;
    return span <= 0 ? Infinity : (done * 1000) / span;
  }

  /** getLatency is the mean time in ms of the recent items (retries and waits included), 0 before any. */
  getLatency(): number {
    return this.counters.latency.summary().mean;
  }

  protected onStart(): void {}

  /** startNow makes the pattern running from construction (stop() ends it, start() restarts it). */
  #startNow(): void {
    void this.lifecycle.start();
  }
  protected onStop(): void {}

  #usable(): void {
    const s = this.lifecycle.state;
    if (s === 'stopping' || s === 'stopped') this.lifecycle.ensureRunning();
  }

  #finish(ok: boolean, t0: number): void {
    if (!this.config.enableMetrics) {
      this.record(ok, 0);
      return;
    }
    const t1 = nowMillis();
    this.#last = t1;
    this.record(ok, t1 - t0);
  }

  #attempt(input: I, ctx: Context): O | Drop | Promise<O | Drop> {
    const timeout = this.config.timeout;
    if (timeout === Infinity) return this.#processor(input, ctx);
    return withDeadline(this.#processor, input, ctx, timeout);
  }
}

/**
 * withDeadline runs one attempt under a child context that expires after `timeout` ms and rejects with
 * DeadlineExceeded (the child's cause) when it does, whether or not the processor heeds its ctx. It waits on the
 * child's AbortSignal, not on its done channel: a parked channel receive would make a synctest bubble count the
 * goroutine as parked while the processor still runs.
 */
async function withDeadline<I, O>(p: Processor<I, O>, input: I, parent: Context, timeout: number): Promise<O | Drop> {
  const [ctx, cancel] = withTimeout(parent, timeout);
  let onAbort: () => void = noop;
  const expired = new Promise<never>((_, reject) => {
    onAbort = () => reject(cause(ctx));
    ctx.signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    return (await Promise.race([p(input, ctx), expired])) as O | Drop;
  } finally {
    ctx.signal.removeEventListener('abort', onAbort);
    expired.catch(noop);
    cancel();
  }
}

function noop(): void {}
