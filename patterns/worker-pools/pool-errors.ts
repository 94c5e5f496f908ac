/**
 * The worker pools' expected failures: a submit refused by a full queue (PoolFullError), a task that ran longer
 * than taskTimeout (TaskTimeoutError) and a task whose worker was replaced by restartUnhealthyWorkers
 * (WorkerRestartedError). Each is a PatternError with a stable `code` and an `isX(e)` guard that checks it.
 *
 * Not here: submit on a stopped pool is the shared PatternStoppedError (core/lifecycle.ts), a task on a worker
 * thread that died is the runtime's ThreadDiedError, and bad options are InvalidArgumentError thrown at the call.
 */
import { PatternError, hasCode } from '../core/pattern-error.js';

/**
 * PoolFullError is how submit refuses work when the pool's queue holds queueSize jobs and onFull is 'reject'.
 *
 * @example
 * try { await pool.submit(req); } catch (e) { if (isPoolFullError(e)) res.status(503).end(); }
 */
export class PoolFullError extends PatternError {
  override name = 'PoolFullError';
  readonly queueSize: number;
  constructor(pool: string, queueSize: number) {
    super(`${pool}: queue full (${queueSize} jobs waiting)`, 'ERR_POOL_FULL');
    this.queueSize = queueSize;
  }
}

/**
 * isPoolFullError reports whether `e` is a PoolFullError (by its code, so it works across threads).
 *
 * @example
 * const pool = new FixedWorkerPool<number, number>(1, { worker: (n) => sleep(10).then(() => n), queueSize: 1, onFull: 'reject' });
 * const results = await Promise.allSettled([1, 2, 3, 4].map((n) => pool.submit(n)));
 * console.log(results.map((r) => (r.status === 'fulfilled' ? r.value : isPoolFullError(r.reason) ? 'full' : 'error')));
 * // [ 1, 'full', 'full', 'full' ]: submitted in one go, only the first fits in the queue
 * await pool.stop();
 */
export const isPoolFullError = (e: unknown): e is PoolFullError => hasCode(e, 'ERR_POOL_FULL');

/**
 * TaskTimeoutError is the failure of a task that ran longer than the pool's taskTimeout. The task's Context is
 * canceled with it as the cause; the time spent queued does not count.
 *
 * @example
 * const r = await pool.submit(x).catch((e) => (isTaskTimeoutError(e) ? fallback : Promise.reject(e)));
 */
export class TaskTimeoutError extends PatternError {
  override name = 'TaskTimeoutError';
  readonly timeout: number;
  constructor(pool: string, timeout: number) {
    super(`${pool}: task timed out after ${timeout} ms`, 'ERR_TASK_TIMEOUT');
    this.timeout = timeout;
  }
}

/**
 * isTaskTimeoutError reports whether `e` is a TaskTimeoutError.
 *
 * @example
 * const pool = new FixedWorkerPool<number, string>(2, {
 *   worker: async (ms, ctx) => { await select([recvCase(ctx.done()), recvCase(after(ms))]); return `${ms} ms`; },
 *   taskTimeout: 50,
 * });
 * const r = await Promise.all([10, 1000].map((ms) => pool.submit(ms).catch((e) => (isTaskTimeoutError(e) ? 'timed out' : 'error'))));
 * console.log(r); // [ '10 ms', 'timed out' ]
 * await pool.stop();
 */
export const isTaskTimeoutError = (e: unknown): e is TaskTimeoutError => hasCode(e, 'ERR_TASK_TIMEOUT');

/**
 * WorkerRestartedError is the failure of a task whose worker was found stuck and replaced by
 * restartUnhealthyWorkers; the task's Context is canceled with it as the cause.
 *
 * @example
 * const pool = new FixedWorkerPool<number, string>(1, {
 *   worker: async (ms, ctx) => { await select([recvCase(ctx.done()), recvCase(after(ms))]); return 'done'; },
 *   stuckAfter: 50,
 * });
 * const job = pool.submit(60_000).catch((e: unknown) => e);
 * await sleep(100);
 * await pool.restartUnhealthyWorkers(); // the job has run past stuckAfter: its worker is replaced
 * const e = await job;
 * if (e instanceof WorkerRestartedError) console.log(e.workerId, e.message); // the worker's id and why
 * await pool.stop();
 */
export class WorkerRestartedError extends PatternError {
  override name = 'WorkerRestartedError';
  readonly workerId: number;
  constructor(pool: string, workerId: number) {
    super(`${pool}: worker ${workerId} was stuck and has been replaced`, 'ERR_WORKER_RESTARTED');
    this.workerId = workerId;
  }
}

/**
 * isWorkerRestartedError reports whether `e` is a WorkerRestartedError.
 *
 * @example
 * async function submitWithRetry<I, O>(pool: WorkerPool<I, O>, input: I): Promise<O> {
 *   try {
 *     return await pool.submit(input);
 *   } catch (e) {
 *     if (isWorkerRestartedError(e)) return pool.submit(input); // its worker was stuck: one more try on a fresh one
 *     throw e;
 *   }
 * }
 */
export const isWorkerRestartedError = (e: unknown): e is WorkerRestartedError => hasCode(e, 'ERR_WORKER_RESTARTED');
