/**
 * WorkerPool is what DynamicWorkerPool and FixedWorkerPool share: a BasePattern whose work goes through a PoolCore
 * (pool-core.ts). It adds submit, submitBatch, enqueue (admission without the outcome), map, the waits on the
 * pool's state (onIdle, onEmpty, onSizeLessThan), progress, pause and resume, health and metrics, and stop with a
 * mode; the two public classes differ only in how their worker count is set and changed.
 */
import { BasePattern } from '../core/base-pattern.js';
import type { Cancel } from '../core/cancel.js';
import { bool, nonNegativeInt, oneOf, options, positiveInt, show } from '../core/option-checks.js';
import { PatternStoppedError } from '../core/lifecycle.js';
import { InvalidArgumentError, type RecvChan, type SourceChan, fromAsyncIterable } from '../../runtime/index.js';
import type { HealthStatus } from './health.js';
import { PoolMap } from './pool-map.js';
import { type PoolProgress, progressChan } from './pool-progress.js';
import { POOL_KEYS, type ResolvedPoolConfig, type WorkerPoolConfig } from './pool-config.js';
import { PoolCore, type StopMode } from './pool-core.js';
import type { PoolMetrics } from './pool-metrics.js';

/**
 * SubmitOptions cancel one job: `signal` (an AbortSignal) or `cancel` (a Context or AbortSignal); `priority` places
 * it in a pool made with `priorities: true` (higher first, FIFO within a priority; default 0).
 *
 * @example
 * const pool = new FixedWorkerPool<string, string>(1, { worker: (s) => s.toUpperCase(), priorities: true });
 * pool.pause();
 * const low = pool.submit('low');
 * const opts: SubmitOptions = { priority: 10, signal: AbortSignal.timeout(5 * Second) };
 * const high = pool.submit('high', opts);
 * pool.resume();
 * console.log(await Promise.race([low, high])); // HIGH: it runs first
 * await pool.stop();
 */
export interface SubmitOptions {
  signal?: AbortSignal;
  cancel?: Cancel;
  priority?: number;
}

/**
 * WaitOptions cancel a wait on the pool (onIdle, onEmpty, onSizeLessThan, progress): `signal` or `cancel`.
 *
 * @example
 * await pool.onIdle({ signal: AbortSignal.timeout(5 * Second) }); // rejects with the signal's reason at 5 s
 */
export interface WaitOptions {
  signal?: AbortSignal;
  cancel?: Cancel;
}

/**
 * MapOptions: `concurrency` (inputs taken and not yet delivered, default 2 × maxWorkers × the worker's window),
 * `ordered` (outputs in input order, default true; false: as they end), `stopOnError` (default true: the first
 * failure ends the map and gives up the rest; false: failed inputs are left out and an AggregateError of their errors
 * ends the map), `priority` (each input's, see SubmitOptions), and the cancel (`signal` or `cancel`).
 *
 * @example
 * const sizes = pool.map(urls, { concurrency: 8, ordered: false, stopOnError: false });
 * for await (const size of sizes) total += size;
 */
export interface MapOptions extends SubmitOptions {
  concurrency?: number;
  ordered?: boolean;
  stopOnError?: boolean;
}

/**
 * StopOptions: mode 'drain' (default) runs the queued jobs first; 'cancel' fails them and cancels running ones.
 *
 * @example
 * const pool = new FixedWorkerPool<number, number>(1, { worker: (n) => sleep(10).then(() => n) });
 * const queued = [1, 2, 3].map((n) => pool.submit(n).catch((e) => (isPatternStoppedError(e) ? 'stopped' : 'failed')));
 * const opts: StopOptions = { mode: 'cancel' };
 * await pool.stop(opts);
 * console.log(await Promise.all(queued)); // the queued jobs failed instead of running
 */
export interface StopOptions {
  mode?: StopMode;
}

/**
 * WorkerPool is what FixedWorkerPool and DynamicWorkerPool share: submit (with backpressure: wait or
 * PoolFullError, per-submit cancel and timeout), submitBatch, queue and worker counts, health, metrics and stop
 * (drain or cancel).
 *
 * @example
 * async function process(pool: WorkerPool<Job, Result>, jobs: Job[]): Promise<Result[]> {
 *   return pool.submitBatch(jobs);
 * }
 */
export abstract class WorkerPool<TIn, TOut> extends BasePattern {
  protected readonly core: PoolCore<TIn, TOut>;
  protected readonly poolConfig: ResolvedPoolConfig<TIn, TOut>;
  #stopMode: StopMode = 'drain';

  protected constructor(config: Partial<WorkerPoolConfig<TIn, TOut>>, resolved: ResolvedPoolConfig<TIn, TOut>) {
    super({ ...config, name: resolved.name }, POOL_KEYS); // resolved already validated config and named the pool
    this.poolConfig = resolved;
    this.core = new PoolCore(resolved, {
      owner: this.config.name,
      record: (ok, ms) => this.record(ok, ms),
      handleError: (e) => this.handleError(e),
      stoppedError: () => new PatternStoppedError(this.config.name, this.lifecycle.state),
    });
  }

  /**
   * submit queues `input` for a worker and resolves with the work's output, or rejects with its error.
   *
   * A pool never started is started by its first submit. With the queue full (queueSize jobs waiting), submit
   * waits for room (onFull 'wait') or rejects with PoolFullError ('reject'). Aborting `signal` (or canceling
   * `cancel`) rejects at once with the abort reason: a queued job then never runs, a running one has its Context
   * canceled (a running thread task has its worker thread terminated and replaced; the other goroutines on that
   * thread fail with ThreadDiedError). A task running past taskTimeout rejects with TaskTimeoutError (a thread
   * task's thread is terminated likewise); a thread task whose worker thread died rejects with ThreadDiedError.
   * After stop it rejects with PatternStoppedError. It never throws: bad options are a rejection with
   * InvalidArgumentError.
   *
   * @example
   * const n = await pool.submit('file.txt', { signal: AbortSignal.timeout(5000) });
   */
  submit(input: TIn, opts?: SubmitOptions): Promise<TOut> {
    try {
      const cancel = cancelOf(this.config.name, opts, SUBMIT_KEYS);
      const priority = this.#priorityOf(opts);
      const refused = this.#admission();
      if (refused !== null) return Promise.reject(refused);
      return this.core.submit(input, cancel, priority);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * enqueue queues `input` and resolves as soon as it is queued, not when it has run: admission apart from
   * completion, so that a producer can stream any number of jobs through the pool with bounded memory (nothing is
   * held per job once it has run). It waits for room on a full queue (onFull 'wait'), or rejects with
   * PoolFullError ('reject'); after stop, with PatternStoppedError. The cancel (`signal` or `cancel`) bounds only
   * that wait: it rejects with the cancel's reason (counted canceled) and the job never runs; a queued job runs to
   * its end. Its output is dropped; a failure is counted in failed and goes to errorHandler. Use onIdle to wait for
   * the end, getMetrics or progress to see how it went.
   *
   * @example
   * for await (const line of lines) await pool.enqueue(line); // waits while queueSize jobs are queued
   * await pool.onIdle();
   */
  enqueue(input: TIn, opts?: SubmitOptions): Promise<void> {
    try {
      const cancel = cancelOf(this.config.name, opts, SUBMIT_KEYS);
      const priority = this.#priorityOf(opts);
      const refused = this.#admission();
      if (refused !== null) return Promise.reject(refused);
      return this.core.enqueue(input, cancel, priority);
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * map runs every input of `inputs` (an iterable or async iterable, e.g. a generator or a channel) through the
   * pool and returns a SourceChan of the outputs: in input order (`ordered`, default) or as they end. At most
   * `concurrency` inputs are taken from the iterable and not yet delivered, so memory stays bounded however many
   * inputs there are and however slow the reader is. The first failure (an input's error, a PoolFullError, the
   * iterable's own error) ends the map with `stopOnError` (default, as p-map): no more inputs are taken, the running
   * ones are given up (counted canceled), the channel is closed with the error in err() and `for await` throws it.
   * Without stopOnError the failed inputs are left out and err() is an AggregateError of their errors at the end.
   * The cancel ends it the same way with the cancel's reason; `stop()` on the channel ends it without an error.
   * A never-started pool is started; after stop, the channel ends with PatternStoppedError. Bad options throw
   * InvalidArgumentError.
   *
   * @example
   * for await (const size of pool.map(urls, { ordered: false, signal })) total += size;
   */
  map(inputs: AsyncIterable<TIn> | Iterable<TIn | PromiseLike<TIn>>, opts?: MapOptions): SourceChan<TOut> {
    const owner = this.config.name;
    const i = inputs as Partial<AsyncIterable<TIn> & Iterable<TIn>> | null;
    if (i === null || typeof i !== 'object' || (typeof i[Symbol.asyncIterator] !== 'function' && typeof i[Symbol.iterator] !== 'function')) {
      throw new InvalidArgumentError(`${owner}: map inputs must be an Iterable or AsyncIterable, got ${show(inputs)}`);
    }
    const o = options(owner, opts, MAP_KEYS);
    const cancel = cancelOf(owner, o, MAP_KEYS);
    const settings = {
      concurrency: o.concurrency === undefined ? 2 * this.poolConfig.maxWorkers * this.core.window : positiveInt(owner, 'concurrency', o.concurrency),
      ordered: bool(owner, 'ordered', o.ordered ?? true),
      stopOnError: bool(owner, 'stopOnError', o.stopOnError ?? true),
      priority: this.#priorityOf(o),
      cancel,
    };
    const refused = this.#admission();
    if (refused !== null) {
      return fromAsyncIterable(failing<TOut>(refused));
    }
    return fromAsyncIterable(new PoolMap(this.core, inputs, settings, this.config.enableMetrics));
  }

  /**
   * onIdle resolves once every submit (submit, enqueue, map) has ended: nothing queued, running, or waiting for
   * room (p-queue's `size === 0 && pending === 0`); at once if that holds now. It rejects with the cancel's reason.
   * A paused pool with queued jobs is not idle.
   *
   * @example
   * for (const x of inputs) await pool.enqueue(x);
   * await pool.onIdle();
   */
  onIdle(opts?: WaitOptions): Promise<void> {
    return this.#until(() => this.core.inFlight === 0, opts);
  }

  /**
   * onEmpty resolves once no job is queued (getQueueLength() === 0; some may still run), at once if none is now.
   * It rejects with the cancel's reason.
   *
   * @example
   * await pool.onEmpty({ signal: AbortSignal.timeout(10_000) }); // every job has been taken by a worker
   */
  onEmpty(opts?: WaitOptions): Promise<void> {
    return this.#until(() => this.core.queueLength() === 0, opts);
  }

  /**
   * onSizeLessThan resolves once fewer than `limit` jobs are queued (getQueueLength() < limit), at once if that
   * holds now; running jobs do not count. It rejects with the cancel's reason, or InvalidArgumentError for a
   * `limit` that is not an integer >= 0.
   *
   * @example
   * await pool.onSizeLessThan(100); // p-queue's recipe for backpressure (enqueue does it in one call)
   */
  onSizeLessThan(limit: number, opts?: WaitOptions): Promise<void> {
    try {
      nonNegativeInt(this.config.name, 'limit', limit);
    } catch (e) {
      return Promise.reject(e);
    }
    return this.#until(() => this.core.queueLength() < limit, opts);
  }

  /**
   * progress returns a channel of PoolProgress snapshots kept up to date by a goroutine as the pool changes (no
   * polling): it starts with the current state; a snapshot the reader has not taken is replaced by the newer one
   * (one slot, coalescing: a slow reader skips states but always gets the newest); after the pool's stop it
   * delivers the final state and is closed. The cancel closes it. Throws InvalidArgumentError for bad options.
   *
   * @example
   * for await (const p of pool.progress({ signal })) bar.update(p.completed / p.submitted);
   */
  progress(opts?: WaitOptions): RecvChan<PoolProgress> {
    const cancel = cancelOf(this.config.name, opts, WAIT_KEYS);
    return progressChan(this.core.watch, () => this.#snapshot(), cancel);
  }

  /**
   * pause stops workers taking queued jobs; running jobs go on, and submits are still queued (up to queueSize, then
   * onFull applies). Idempotent. A pause before the pool starts holds from its start; a pause while it stops does
   * nothing (a stop drains), and stop() resumes a paused pool.
   *
   * @example
   * pool.pause(); // e.g. while a downstream service is in maintenance
   * setTimeout(() => pool.resume(), 60_000);
   */
  pause(): void {
    this.core.pause();
  }

  /** resume lets workers take queued jobs again. Idempotent. stop() resumes a paused pool (a drain must run). */
  resume(): void {
    this.core.resume();
  }

  /** isPaused reports whether the pool is paused. */
  isPaused(): boolean {
    return this.core.paused;
  }

  #until(holds: () => boolean, opts: WaitOptions | undefined): Promise<void> {
    try {
      return this.core.watch.until(holds, cancelOf(this.config.name, opts, WAIT_KEYS));
    } catch (e) {
      return Promise.reject(e);
    }
  }

  #snapshot(): PoolProgress {
    const c = this.core.counters;
    return {
      submitted: c.submitted,
      completed: this.counters.completed,
      failed: this.counters.failed,
      canceled: c.canceled,
      rejected: c.rejected,
      queued: this.core.queueLength(),
      running: this.core.runningJobs(),
      workers: this.core.workerCount(),
      paused: this.core.paused,
      idle: this.core.inFlight === 0,
    };
  }

  /**
   * #admission starts a never-started pool (a first submit starts it: Lifecycle runs onStart synchronously, so the
   * core is up when this returns, and the job is queued before a stop() issued right after it, which then drains
   * it), and returns null; on a stopping or stopped pool it counts the refused submit and returns the error.
   */
  #admission(): PatternStoppedError | null {
    const state = this.lifecycle.state;
    if (state === 'idle') void this.start();
    else if (state !== 'running') {
      this.core.counters.submitted++;
      this.core.counters.rejected++;
      return new PatternStoppedError(this.config.name, state);
    }
    return null;
  }

  #priorityOf(opts: SubmitOptions | undefined): number {
    const p = opts?.priority;
    if (p === undefined) return 0;
    const owner = this.config.name;
    if (typeof p !== 'number' || !Number.isFinite(p)) {
      throw new InvalidArgumentError(`${owner}: priority must be a finite number, got ${show(p)}`);
    }
    if (!this.poolConfig.priorities) {
      throw new InvalidArgumentError(`${owner}: priority needs a pool made with priorities: true, got priority ${p}`);
    }
    return p;
  }

  /**
   * submitBatch submits every input and resolves with the outputs in input order, or rejects with the first
   * failure (the other jobs still run; pass a signal to stop them).
   */
  submitBatch(inputs: readonly TIn[], opts?: SubmitOptions): Promise<TOut[]> {
    if (!Array.isArray(inputs)) {
      return Promise.reject(new InvalidArgumentError(`${this.config.name}: submitBatch inputs must be an array, got ${typeof inputs}`));
    }
    return Promise.all(inputs.map((x) => this.submit(x, opts)));
  }

  /** getWorkerCount is the number of live workers. */
  getWorkerCount(): number {
    return this.core.workerCount();
  }

  /** getQueueLength is the number of jobs accepted and not yet taken by a worker. */
  getQueueLength(): number {
    return this.core.queueLength();
  }

  /** isIdle reports whether no job is queued or running. */
  isIdle(): boolean {
    return this.core.queueLength() === 0 && this.core.busyWorkers() === 0;
  }

  /** getHealthStatus reports each worker's heartbeat and the stuck ones (see health.ts). */
  getHealthStatus(): HealthStatus {
    return this.core.health();
  }

  /**
   * restartUnhealthyWorkers replaces each stuck worker with a new one; the stuck worker's job rejects with
   * WorkerRestartedError and its Context is canceled. A thread task's worker thread is terminated and replaced
   * (the other goroutines running on that thread fail with ThreadDiedError).
   */
  async restartUnhealthyWorkers(): Promise<void> {
    this.core.restartUnhealthy(this.config.name);
  }

  /**
   * stop stops taking jobs (submit rejects with PatternStoppedError from now on) and resolves once every worker has
   * exited. 'drain' (default) runs every queued job first; 'cancel' fails queued jobs with PatternStoppedError and
   * cancels the running ones' Contexts (they reject with it at once; running thread tasks have their threads
   * terminated and replaced). Submits parked on a full queue reject with
   * PatternStoppedError in both modes. Idempotent; a stopped pool can be started again. Bad options are a
   * rejection with InvalidArgumentError (and stop nothing).
   */
  override stop(opts?: StopOptions): Promise<void> {
    try {
      const o = options(this.config.name, opts, ['mode']);
      this.#stopMode = oneOf(this.config.name, 'mode', ['drain', 'cancel'] as const, o.mode ?? 'drain');
    } catch (e) {
      return Promise.reject(e);
    }
    return super.stop();
  }

  override getMetrics(): PoolMetrics {
    const base = super.getMetrics();
    const c = this.core.counters;
    const workers = this.core.workerCount();
    const busy = this.core.busyWorkers();
    return {
      ...base,
      submitted: c.submitted,
      rejected: c.rejected,
      canceled: c.canceled,
      timedOut: c.timedOut,
      crashed: c.crashed,
      workers,
      busyWorkers: busy,
      peakWorkers: c.peakWorkers,
      queueLength: this.core.queueLength(),
      utilization: workers === 0 ? 0 : busy / workers,
      queueWait: c.queueWait.summary(),
      runTime: base.latency,
    };
  }

  override resetMetrics(): void {
    super.resetMetrics();
    const c = this.core.counters;
    c.submitted = c.rejected = c.canceled = c.timedOut = c.crashed = 0;
    c.peakWorkers = this.core.workerCount();
    c.queueWait.reset();
  }

  protected onStart(): void {
    this.core.start();
  }

  protected onStop(): Promise<void> {
    return this.core.stop(this.#stopMode);
  }
}

const SUBMIT_KEYS: readonly string[] = ['signal', 'cancel', 'priority'];
const WAIT_KEYS: readonly string[] = ['signal', 'cancel'];
const MAP_KEYS: readonly string[] = [...SUBMIT_KEYS, 'concurrency', 'ordered', 'stopOnError'];

/** failing is an iterable whose iteration throws `e` (a map on a stopped pool). */
async function* failing<T>(e: unknown): AsyncGenerator<T> {
  throw e;
}

function cancelOf(owner: string, opts: WaitOptions | undefined, known: readonly string[]): Cancel {
  if (opts === undefined) return undefined;
  const o = options(owner, opts, known);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(`${owner}: signal must be an AbortSignal, got ${typeof o.signal}`);
  }
  if (o.signal !== undefined && o.cancel !== undefined) {
    throw new InvalidArgumentError(`${owner}: give one of signal and cancel, not both`);
  }
  return o.signal ?? o.cancel;
}
