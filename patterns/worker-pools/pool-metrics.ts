/**
 * PoolMetrics is what a pool's getMetrics returns: BasePattern's counts (completed, failed, errors) and run-time
 * distribution (`latency`, also as `runTime`), plus the pool's own counts, the queue-wait distribution and the
 * current utilisation.
 */
import type { LatencySummary, PatternMetrics } from '../core/metrics.js';

/**
 * PoolMetrics is what a pool's getMetrics returns: jobs by outcome (submitted = completed + failed + canceled +
 * rejected once idle), workers, busy workers, queue length, utilisation, and queue-wait and run-time percentiles.
 *
 * @example
 * const m = pool.getMetrics();
 * console.log(`${m.busyWorkers}/${m.workers} busy, ${m.queueLength} queued, p99 ${m.runTime.p99} ms`);
 */
export interface PoolMetrics extends PatternMetrics {
  /**
   * submitted counts every submit call, accepted or not. Every one ends in exactly one of completed, failed,
   * canceled and rejected, so once nothing is queued or running (after stop resolves, say):
   * submitted = completed + failed + canceled + rejected.
   */
  readonly submitted: number;
  /**
   * rejected counts submits refused without being queued: PoolFullError (onFull 'reject'), and PatternStoppedError
   * for a submit made after stop() or one still waiting for room when the pool stopped.
   */
  readonly rejected: number;
  /**
   * canceled counts accepted jobs ended before their work did: by their submitter's signal or Context, by
   * stop({ mode: 'cancel' }) (queued or running), or by restartUnhealthyWorkers (WorkerRestartedError, also in
   * errors). A job canceled while running counts once, whenever its work ends.
   */
  readonly canceled: number;
  /** timedOut counts tasks failed with TaskTimeoutError (also in failed). */
  readonly timedOut: number;
  /** crashed counts thread tasks failed with ThreadDiedError (also in failed). */
  readonly crashed: number;
  readonly workers: number;
  readonly busyWorkers: number;
  readonly peakWorkers: number;
  readonly queueLength: number;
  /** utilization is busyWorkers / workers now (0 with no workers). */
  readonly utilization: number;
  /** queueWait is the time jobs spent queued before a worker took them, in ms. */
  readonly queueWait: LatencySummary;
  /** runTime is the time tasks ran, in ms (the same samples as latency). */
  readonly runTime: LatencySummary;
}
