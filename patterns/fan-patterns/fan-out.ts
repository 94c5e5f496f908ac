/**
 * FanOut spreads the items of one call over `workerCount` worker goroutines and gathers their results: the
 * goroutines are fanJobs' (fan-engine.ts: a feeder, a jobs channel, N workers); each worker writes its results into
 * its own slots of the result array, as Go workers write into a preallocated slice. This file is the typed face:
 * per-item work, errors, metrics and lifecycle.
 */
import { type Context, InvalidArgumentError, nowMillis } from '../../runtime/index.js';
import { BasePattern } from '../core/base-pattern.js';
import type { Cancel } from '../core/cancel.js';
import { func, show } from '../core/option-checks.js';
import { PatternStoppedError } from '../core/lifecycle.js';
import type { PatternMetrics } from '../core/metrics.js';
import { RetryExecutor } from '../retry/retry-executor.js';
import { RetryPolicy } from '../retry/retry-policy.js';
import { FanItemError, FanOutError, isFanTimeoutError } from './fan-errors.js';
import { fanJobs, type Call, type Work } from './fan-engine.js';
import { checkBalancer, FAN_OUT_KEYS, resolveFanOutOptions, type FanOutConfig, type FanOutOptions } from './fan-config.js';
import type { LoadBalancer } from './load-balancer.js';
import { runItem, type Processor } from './run-item.js';

/**
 * FanOutMetrics adds the fan-out's own figures to PatternMetrics (completed/failed count items, or batches).
 *
 * @example
 * const m: FanOutMetrics = fanOut.getMetrics();
 * console.log(`${m.completed} done in ${m.batches} batches on ${m.workerCount} workers (${m.loadBalancer ?? 'shared channel'})`);
 */
export interface FanOutMetrics extends PatternMetrics {
  readonly workerCount: number;
  readonly batchSize: number;
  /** loadBalancer is the strategy's name, or null when the workers share one jobs channel. */
  readonly loadBalancer: string | null;
  readonly batches: number;
  readonly timeouts: number;
  /** calls counts distribute/processBatches calls; activeCalls those in progress. */
  readonly calls: number;
  readonly activeCalls: number;
}

/**
 * BatchProcessor is processBatches' function: a batch of items in, their outputs out.
 *
 * @example
 * const double: BatchProcessor<number, number> = (batch) => batch.map((n) => n * 2);
 * const fan = new FanOut<number, number>({ batchSize: 2 });
 * await fan.processBatches([1, 2, 3], double); // [2, 4, 6]
 */
export type BatchProcessor<TIn, TOut> = (batch: TIn[], ctx: Context) => Promise<TOut[]> | TOut[];

/**
 * FanOut runs a processor over many items on `workerCount` goroutines. It is running once constructed; stop()
 * cancels the calls in progress (they reject with PatternStoppedError) and refuses new ones until start().
 *
 * Blocking: distribute() resolves when every item is processed. Cancel: a Context or AbortSignal as last argument
 * stops the call: no new item starts, the workers stop waiting for running processors (which receive the context as
 * their second argument), and the call rejects with the context's cause. Errors: see ErrorMode; a `timeout` bounds
 * each item (FanTimeoutError). Misuse (not an array, not a function, a bad balancer pick) is InvalidArgumentError.
 *
 * @example
 * const fanOut = new FanOut<string, number>({ workerCount: 8, batchSize: 100 });
 * const lengths = await fanOut.distribute(['go', 'chan'], async (w) => w.length); // [2, 4]
 */
export class FanOut<TIn, TOut> extends BasePattern {
  readonly #o: FanOutOptions;
  /** #retry retries a failed item up to config.retryAttempts times (exponential backoff, full jitter). */
  readonly #retry: RetryExecutor;
  readonly #calls = new Set<Call>();
  #batches = 0;
  #timeouts = 0;
  #callCount = 0;

  constructor(config?: Partial<FanOutConfig>) {
    super(config, FAN_OUT_KEYS);
    this.#o = resolveFanOutOptions(this.constructor.name, config, this.config);
    this.#retry = new RetryExecutor(
      new RetryPolicy({ maxAttempts: this.config.retryAttempts + 1, backoffStrategy: 'exponential', jitter: 'full' }),
      { rethrowLastError: true },
    );
    void this.start();
  }

  /**
   * distribute runs `processor(item, ctx)` for every item, `workerCount` at a time, in batches of `batchSize`
   * taken from a shared jobs channel (or assigned by the load balancer). Resolves to the outputs in input order
   * (completion order with `ordered: false`). It never throws: bad arguments (InvalidArgumentError) and a stopped
   * pattern (PatternStoppedError) are a rejection.
   */
  distribute(inputs: readonly TIn[], processor: Processor<TIn, TOut>, cancel?: Cancel): Promise<TOut[]> {
    try {
      this.#admit(inputs, processor, 'distribute');
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#distribute(inputs, processor, cancel);
  }

  async #distribute(inputs: readonly TIn[], processor: Processor<TIn, TOut>, cancel: Cancel): Promise<TOut[]> {
    const owner = this.constructor.name;
    const results: (TOut | undefined)[] = this.#o.ordered ? new Array<TOut | undefined>(inputs.length) : [];
    const failures: FanItemError[] = [];
    const bounded = this.config.timeout !== Infinity || isCancelable(cancel);
    const direct = !bounded && this.config.retryAttempts === 0; // the hot path: just await the processor
    const work: Work = async (job, ctx, w, loads) => {
      for (let i = job.start; i < job.end; i++) {
        if (ctx.err() !== null) return;
        const t0 = this.config.enableMetrics ? nowMillis() : 0;
        this.counters.started++;
        try {
          const input = inputs[i] as TIn;
          const out = direct ? await processor(input, ctx) : await this.#attempt(processor, input, i, ctx, bounded);
          if (this.#o.ordered) results[i] = out;
          else results.push(out);
          this.record(true, this.config.enableMetrics ? nowMillis() - t0 : 0);
        } catch (e) {
          this.#failed(e, i, ctx, t0, failures);
        } finally {
          loads[w]!--;
        }
      }
    };
    await this.#fan(owner, inputs.length, work, cancel);
    return this.#settle(results, failures) as TOut[];
  }

  /**
   * processBatches cuts the items into batches of `batchSize` and calls `processor(batch, ctx)` once per batch on
   * the workers; each call returns the batch's outputs (an array), and the result is their concatenation in batch
   * order (completion order with `ordered: false`). A failed batch is reported with the index of its first item.
   * Misuse is a rejection, as for distribute.
   */
  processBatches(inputs: readonly TIn[], processor: BatchProcessor<TIn, TOut>, cancel?: Cancel): Promise<TOut[]> {
    try {
      this.#admit(inputs, processor, 'processBatches');
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#processBatches(inputs, processor, cancel);
  }

  async #processBatches(inputs: readonly TIn[], processor: BatchProcessor<TIn, TOut>, cancel: Cancel): Promise<TOut[]> {
    const owner = this.constructor.name;
    const size = this.#o.batchSize;
    const perBatch: (TOut[] | undefined)[] = [];
    const failures: FanItemError[] = [];
    const bounded = this.config.timeout !== Infinity || isCancelable(cancel);
    const work: Work = async (job, ctx, w, loads) => {
      const t0 = this.config.enableMetrics ? nowMillis() : 0;
      this.counters.started++;
      try {
        const batch = inputs.slice(job.start, job.end);
        const out = await this.#attempt(processor, batch, job.start, ctx, bounded);
        if (!Array.isArray(out)) {
          throw new InvalidArgumentError(`${owner}: processBatches processor must return an array, got ${show(out)}`);
        }
        if (this.#o.ordered) perBatch[job.start / size] = out;
        else perBatch.push(out);
        this.record(true, this.config.enableMetrics ? nowMillis() - t0 : 0);
      } catch (e) {
        this.#failed(e, job.start, ctx, t0, failures);
      } finally {
        loads[w]! -= job.end - job.start;
      }
    };
    await this.#fan(owner, inputs.length, work, cancel);
    if (failures.length > 0) throw new FanOutError(failures, perBatch.flatMap((b) => b ?? []));
    return perBatch.flatMap((b) => b ?? []);
  }

  /** setLoadBalancer makes the following calls assign batches with `balancer` (and turns enableLoadBalancing on). */
  setLoadBalancer(balancer: LoadBalancer): void {
    this.#o.loadBalancer = checkBalancer(this.constructor.name, 'balancer', balancer);
    this.#o.enableLoadBalancing = true;
  }

  /**
   * getWorkerLoads maps each worker index to its unfinished items (assigned or queued to it and not done), summed
   * over the calls in progress; every worker is listed, idle ones with 0.
   */
  getWorkerLoads(): Map<number, number> {
    const m = new Map<number, number>();
    for (let w = 0; w < this.#o.workerCount; w++) m.set(w, 0);
    for (const c of this.#calls) c.loads.forEach((n, w) => m.set(w, m.get(w)! + n));
    return m;
  }

  override getMetrics(): FanOutMetrics {
    return {
      ...super.getMetrics(),
      workerCount: this.#o.workerCount,
      batchSize: this.#o.batchSize,
      loadBalancer: this.#o.enableLoadBalancing ? this.#o.loadBalancer.name : null,
      batches: this.#batches,
      timeouts: this.#timeouts,
      calls: this.#callCount,
      activeCalls: this.#calls.size,
    };
  }

  override resetMetrics(): void {
    super.resetMetrics();
    this.#batches = this.#timeouts = this.#callCount = 0;
  }

  protected onStart(): void {}

  /** onStop cancels every call in progress and waits until their goroutines have returned. */
  protected async onStop(): Promise<void> {
    const calls = [...this.#calls];
    for (const c of calls) c.cancel(new PatternStoppedError(this.config.name, 'stopping'));
    await Promise.allSettled(calls.map((c) => c.finished));
  }

  #admit(inputs: unknown, processor: unknown, method: string): void {
    const state = this.lifecycle.state;
    if (state === 'stopping' || state === 'stopped') throw new PatternStoppedError(this.config.name, state);
    if (!Array.isArray(inputs)) {
      throw new InvalidArgumentError(`${this.constructor.name}: ${method} inputs must be an array, got ${show(inputs)}`);
    }
    func(this.constructor.name, 'processor', processor);
  }

  #attempt<A, R>(processor: Processor<A, R>, input: A, index: number, ctx: Context, bounded: boolean): Promise<R> {
    const once = (): Promise<R> => runItem(processor, input, index, ctx, this.config.timeout, bounded);
    return this.config.retryAttempts > 0 ? this.#retry.execute(once) : once();
  }

  /** failed handles a failed item: reported unless the call was already ending; fail-fast rethrows it. */
  #failed(e: unknown, index: number, ctx: Context, t0: number, failures: FanItemError[]): void {
    if (ctx.err() !== null && !isFanTimeoutError(e)) return; // an item cut short by the call's end
    if (isFanTimeoutError(e)) this.#timeouts++;
    this.record(false, this.config.enableMetrics ? nowMillis() - t0 : 0);
    const failure = new FanItemError(index, e);
    this.handleError(failure);
    if (this.#o.errorMode === 'fail-fast') throw e;
    failures.push(failure);
  }

  #fan(owner: string, total: number, work: Work, cancel: Cancel): Promise<void> {
    const o = this.#o;
    this.#callCount++;
    const balancer = o.enableLoadBalancing ? o.loadBalancer : null;
    const { workerCount, batchSize } = o;
    return fanJobs({ owner, total, workerCount, batchSize, balancer, work, cancel, calls: this.#calls, onBatch: () => this.#batches++ });
  }

  #settle(results: (TOut | undefined)[], failures: FanItemError[]): (TOut | undefined)[] {
    if (failures.length === 0) return results;
    failures.sort((a, b) => a.index - b.index);
    throw new FanOutError(failures, results);
  }
}

function isCancelable(c: Cancel): boolean {
  return c !== undefined && (c instanceof AbortSignal || c.done() !== null);
}
