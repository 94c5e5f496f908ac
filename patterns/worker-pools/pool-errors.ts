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

/** isPoolFullError reports whether `e` is a PoolFullError (by its code, so it works across threads). */
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

/** isTaskTimeoutError reports whether `e` is a TaskTimeoutError. */
export const isTaskTimeoutError = (e: unknown): e is TaskTimeoutError => hasCode(e, 'ERR_TASK_TIMEOUT');

/**
 * WorkerRestartedError is the failure of a task whose worker was found stuck and replaced by
 * restartUnhealthyWorkers; the task's Context is canceled with it as the cause.
 */
export class WorkerRestartedError extends PatternError {
  override name = 'WorkerRestartedError';
  readonly workerId: number;
  constructor(pool: string, workerId: number) {
    super(`${pool}: worker ${workerId} was stuck and has been replaced`, 'ERR_WORKER_RESTARTED');
    this.workerId = workerId;
  }
}

/** isWorkerRestartedError reports whether `e` is a WorkerRestartedError. */
export const isWorkerRestartedError = (e: unknown): e is WorkerRestartedError => hasCode(e, 'ERR_WORKER_RESTARTED');
