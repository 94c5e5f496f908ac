/**
 * WorkerPool is what DynamicWorkerPool and FixedWorkerPool share: a BasePattern whose work goes through a PoolCore
 * (pool-core.ts). It adds submit, submitBatch, the pool's state, health and metrics, and stop with a mode; the two
 * public classes differ only in how their worker count is set and changed.
 */
import { BasePattern } from '../core/base-pattern.js';
import type { Cancel } from '../core/cancel.js';
import { oneOf, options } from '../core/option-checks.js';
import { PatternStoppedError } from '../core/lifecycle.js';
import { InvalidArgumentError } from '../../runtime/index.js';
import type { HealthStatus } from './health.js';
import { POOL_KEYS, type ResolvedPoolConfig, type WorkerPoolConfig } from './pool-config.js';
import { PoolCore, type StopMode } from './pool-core.js';
import type { PoolMetrics } from './pool-metrics.js';

/** SubmitOptions cancel one job: `signal` (an AbortSignal) or `cancel` (a Context or AbortSignal). */
export interface SubmitOptions {
  signal?: AbortSignal;
  cancel?: Cancel;
}

/** StopOptions: mode 'drain' (default) runs the queued jobs first; 'cancel' fails them and cancels running ones. */
export interface StopOptions {
  mode?: StopMode;
}

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
      const cancel = cancelOf(this.config.name, opts);
      const state = this.lifecycle.state;
      // A first submit starts the pool. Lifecycle runs onStart synchronously, so the core is up when this returns,
      // and this job is queued before a stop() issued right after it (which then drains it).
      if (state === 'idle') void this.start();
      else if (state !== 'running') {
        this.core.counters.submitted++;
        this.core.counters.rejected++;
        return Promise.reject(new PatternStoppedError(this.config.name, state));
      }
      return this.core.submit(input, cancel);
    } catch (e) {
      return Promise.reject(e);
    }
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

function cancelOf(owner: string, opts: SubmitOptions | undefined): Cancel {
  if (opts === undefined) return undefined;
  const o = options(owner, opts, ['signal', 'cancel']);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new InvalidArgumentError(`${owner}: signal must be an AbortSignal, got ${typeof o.signal}`);
  }
  if (o.signal !== undefined && o.cancel !== undefined) {
    throw new InvalidArgumentError(`${owner}: give one of signal and cancel, not both`);
  }
  return o.signal ?? o.cancel;
}
