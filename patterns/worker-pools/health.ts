/**
 * HealthStatus is what getHealthStatus reports: each worker's state and heartbeat age, and which are stuck.
 *
 * A worker beats when it starts a job, when it finishes one, and every heartbeatInterval while idle; so only a
 * worker that has been running one job for longer than stuckAfter has a heartbeat older than that: it is stuck.
 * restartUnhealthyWorkers replaces stuck workers.
 */
import type { WorkerState } from './pool-worker.js';

/**
 * WorkerHealth is one worker's line in a HealthStatus.
 *
 * @example
 * const pool = new FixedWorkerPool<number, number>(2, { worker: (n) => n * 2 });
 * await pool.submitBatch([1, 2, 3]);
 * for (const w of pool.getHealthStatus().workers) {
 *   const line: WorkerHealth = w;
 *   console.log(line.id, line.state, line.jobsRun, line.stuck ? 'stuck' : 'ok');
 * }
 * await pool.stop();
 */
export interface WorkerHealth {
  readonly id: number;
  readonly state: WorkerState;
  /** sinceLastBeat is the age of the worker's last heartbeat in ms. */
  readonly sinceLastBeat: number;
  readonly jobsRun: number;
  readonly stuck: boolean;
}

/**
 * HealthStatus is what getHealthStatus returns: healthy unless a worker is stuck (busy for longer than
 * stuckAfter), with each worker's state.
 *
 * @example
 * if (!pool.getHealthStatus().healthy) await pool.restartUnhealthyWorkers();
 */
export interface HealthStatus {
  /** healthy is true when no worker is stuck. */
  readonly healthy: boolean;
  readonly workers: readonly WorkerHealth[];
  /** stuck lists the ids of the stuck workers. */
  readonly stuck: readonly number[];
  /** checkedAt is when the status was taken (ms since the epoch; virtual time in a synctest bubble). */
  readonly checkedAt: number;
}
