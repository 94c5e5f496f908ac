/**
 * DynamicWorkerPool is a worker pool whose size moves between minWorkers and maxWorkers: a supervisor goroutine
 * adds workers while the load ((busy workers + queued jobs) / workers) is at or above scalingThreshold, and an
 * idle worker above minWorkers exits after idleTimeout without a job. scaleUp and scaleDown change it by hand.
 *
 * The work is either `worker(input, ctx)`, run by goroutines on this thread (I/O-bound work), or `task`, a runtime
 * task() that each pool worker runs on a worker thread with goThread (CPU-bound work). See README.md for every
 * option, its default, and the errors.
 *
 * @example
 * const pool = new DynamicWorkerPool<string, number>({
 *   minWorkers: 2, maxWorkers: 10, idleTimeout: 30_000, enableAutoScaling: true, scalingThreshold: 0.8,
 *   worker: async (name, ctx) => (await fetch(`https://example.com/${name}`, { signal: ctx.signal })).status,
 * });
 * const status = await pool.submit('a');
 * await pool.stop();
 */
import { positiveInt } from '../core/option-checks.js';
import { resolvePoolConfig, type WorkerPoolConfig } from './pool-config.js';
import { WorkerPool } from './worker-pool.js';

/**
 * DynamicWorkerPool is a worker pool that grows from minWorkers to maxWorkers while its queue backs up
 * (enableAutoScaling) and shrinks back after idleTimeout; workers run an async `worker` on this thread or a `task` on
 * worker threads. See WorkerPool for submit and stop.
 *
 * @example
 * const pool = new DynamicWorkerPool<string, Buffer>({ minWorkers: 2, maxWorkers: 16, worker: (url, ctx) => download(url, ctx) });
 * const file = await pool.submit(url, { signal: req.signal });
 */
export class DynamicWorkerPool<TIn, TOut> extends WorkerPool<TIn, TOut> {
  constructor(config: Partial<WorkerPoolConfig<TIn, TOut>>) {
    super(config, resolvePoolConfig<TIn, TOut>('DynamicWorkerPool', config));
  }

  /**
   * scaleUp starts `count` more workers, at most up to maxWorkers (the rest of the request is ignored). Throws
   * InvalidArgumentError for a count that is not an integer >= 1, and PatternStoppedError on a stopped pool.
   */
  async scaleUp(count: number): Promise<void> {
    positiveInt(this.config.name, 'count', count);
    if (this.lifecycle.state === 'idle') await this.start();
    this.lifecycle.ensureRunning();
    this.core.spawn(count);
  }

  /**
   * scaleDown retires `count` workers, never below minWorkers, idle ones first, and resolves once they have exited
   * (a busy worker finishes its job first). Throws like scaleUp.
   */
  async scaleDown(count: number): Promise<void> {
    positiveInt(this.config.name, 'count', count);
    this.lifecycle.ensureRunning();
    await this.core.retire(count);
  }
}
