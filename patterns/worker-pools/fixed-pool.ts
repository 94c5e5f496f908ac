/**
 * FixedWorkerPool is a worker pool with exactly `workerCount` workers for its whole life: predictable resource
 * use, no supervisor, no idle exits. Options are those of DynamicWorkerPool except the sizing ones (minWorkers and
 * maxWorkers, if given, must equal workerCount; enableAutoScaling, if given, must be false).
 *
 * @example
 * const pool = new FixedWorkerPool<number, number>(4, { task: fib }); // fib = task(import.meta.url, function fib(n) {...})
 * const f = await pool.submit(30);
 * await pool.stop();
 */
import { InvalidArgumentError } from '../../runtime/index.js';
import { options, positiveInt } from '../core/option-checks.js';
import { POOL_KEYS, resolvePoolConfig, type WorkerPoolConfig } from './pool-config.js';
import { WorkerPool } from './worker-pool.js';

/**
 * FixedWorkerPool is a worker pool of exactly `workerCount` workers (goroutines ranging over a bounded jobs
 * channel), running an async `worker` on this thread or a `task` on worker threads. See WorkerPool for submit and
 * stop.
 *
 * @example
 * const pool = new FixedWorkerPool<string, number>(4, { task: heavyComputation });
 * const results = await pool.submitBatch(['a', 'b', 'c']); // in input order
 * await pool.stop();
 */
export class FixedWorkerPool<TIn, TOut> extends WorkerPool<TIn, TOut> {
  readonly #workerCount: number;

  constructor(workerCount: number, config?: Partial<WorkerPoolConfig<TIn, TOut>>) {
    const owner = 'FixedWorkerPool';
    const n = positiveInt(owner, 'workerCount', workerCount);
    const o = options(owner, config, POOL_KEYS);
    for (const k of ['minWorkers', 'maxWorkers'] as const) {
      if (o[k] !== undefined && o[k] !== n) {
        throw new InvalidArgumentError(`${owner}: ${k} must equal workerCount (${n}), got ${String(o[k])}`);
      }
    }
    if (o.enableAutoScaling === true) {
      throw new InvalidArgumentError(`${owner}: enableAutoScaling must be false for a fixed pool, got true`);
    }
    const fixed = { ...o, minWorkers: n, maxWorkers: n, enableAutoScaling: false };
    super(fixed, resolvePoolConfig<TIn, TOut>(owner, fixed));
    this.#workerCount = n;
  }

  /** workerCount is the fixed number of workers (getWorkerCount is the live count, equal while running). */
  get workerCount(): number {
    return this.#workerCount;
  }
}
