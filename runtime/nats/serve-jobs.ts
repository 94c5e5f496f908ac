/**
 * serveJobs is the worker side of a job queue across processes: it takes the jobs of a network channel as Deliveries,
 * at most `concurrency` at once, runs each (through a worker pool's submit, or a function), hands its result to
 * `reply` (typically a send on the reply channel the job names: Go's request/reply), and only then acknowledges it.
 * A job whose run or reply fails is handed back (nak) for any process to run again once `retryDelayMs` has passed
 * (so a job that fails every time is not run in a tight loop); a process that dies mid-job loses it to another
 * after the ack wait. It is Go's
 *
 *   for i := 0; i < concurrency; i++ { go func() { for job := range jobs { reply(job, run(job)); ack(job) } }() }
 *
 * with the acknowledgement made explicit, and it ends, like those loops, when the channel is closed and drained
 * (or when `signal` aborts: no new job is taken), once every job it took has been acknowledged or handed back.
 *
 * Taking a job only when one of the `concurrency` places is free is what keeps a busy process from holding jobs that
 * idle processes could run: give the channel a `prefetch` no larger than `concurrency`.
 */
import { chan } from '../chan/local-chan.js';
import { go } from '../go.js';
import { InvalidArgumentError, isDecodeError } from '../panics.js';
import { WaitGroup } from '../sync/wait-group.js';
import { checkIntegerIn, checkOptions, describe } from '../validate.js';
import { NatsChan } from './nats-chan.js';

/**
 * JobRunner runs one job: a worker pool (anything with `submit(job)`: FixedWorkerPool, DynamicWorkerPool) or a
 * function, which is also told whether the job was delivered before (JobInfo).
 *
 * @example
 * const byPool: JobRunner<Job, Answer> = new FixedWorkerPool<Job, Answer>(4, { worker: solve });
 * const byFunction: JobRunner<Job, Answer> = (job, { redelivered }) => (redelivered ? solveOnce(job) : solve(job));
 */
export type JobRunner<T, R> = { submit(job: T): Promise<R> } | ((job: T, info: JobInfo) => R | Promise<R>);

/**
 * JobInfo is what a function runner learns of its job's delivery: `redelivered` is true if the server delivered it
 * before (a process died holding it, or a run failed and handed it back), the cue to check what an earlier run did.
 *
 * @example
 * const run = async (job: Job, info: JobInfo) => (info.redelivered && (await alreadyDone(job.id)) ? lookUp(job.id) : solve(job));
 */
export interface JobInfo {
  readonly redelivered: boolean;
}

/**
 * ServeJobsOptions configure serveJobs: how many jobs at once (required), what to do with a result before the job is
 * acknowledged, a signal to stop taking jobs, and a hook for failures.
 *
 * @example
 * const opts: ServeJobsOptions<Job, Answer> = { concurrency: 4, reply: (job, answer) => answers.send(answer) };
 */
export interface ServeJobsOptions<T, R> {
  /** concurrency is how many jobs this process holds at once, taken and not yet acknowledged: an integer in [1, 10000]. */
  readonly concurrency: number;
  /** reply receives each job's result; the job is acknowledged once it resolves (a rejection hands the job back). */
  readonly reply?: (job: T, result: R) => unknown;
  /**
   * retryDelayMs is how long a job handed back after a failure waits before it is delivered again (JetStream's nak
   * delay), so that a job failing every time is not run again in a tight loop: an integer in [0, 2^31 - 1], default
   * 1000; 0 hands it back for at once.
   */
  readonly retryDelayMs?: number;
  /** signal stops serveJobs taking jobs when it aborts; the jobs it holds still finish and are acknowledged. */
  readonly signal?: AbortSignal;
  /**
   * onError is told of each job that failed (its run, its reply or its acknowledgement), which is then handed back
   * to the channel; `job` is undefined for a job that did not decode (DecodeError), which is dropped for good (the
   * server never delivers it again). If onError throws, serveJobs takes no more jobs and rejects with that error once
   * the jobs it holds are settled.
   */
  readonly onError?: (error: unknown, job: T | undefined) => void;
}

/**
 * ServeJobsResult counts the jobs serveJobs took: `done` were run, replied to and acknowledged (confirmed by the
 * server); `failed` were handed back after a failure, or their acknowledgement was not confirmed (they may run again),
 * or did not decode (dropped for good).
 *
 * @example
 * const { done, failed } = await serveJobs(jobs, pool, { concurrency: 4 });
 */
export interface ServeJobsResult {
  readonly done: number;
  readonly failed: number;
}

/**
 * serveJobs runs the jobs of `jobs` in this process until the channel is closed and drained or `signal` aborts, at
 * most `concurrency` at once, each acknowledged only after `reply` took its result; see the file comment. Resolves
 * with the counts once every job it took was acknowledged or handed back. A job that does not decode is reported to
 * onError and skipped. Rejects with InvalidArgumentError for a bad argument, with the channel's error
 * (NatsChanGoneError) if the channel goes away or the connection closes, and with what onError threw; in each case
 * only once the jobs it holds are settled.
 *
 * @example
 * const pool = new FixedWorkerPool<Job, Answer>(4, { worker: solve });
 * const jobs = await natsChan(nc, 'jobs', { codec: codec.json<Job>(), capacity: 1000, prefetch: 4 });
 * await serveJobs(jobs, pool, { concurrency: 4, reply: async (job, answer) => (await replyChan(job.replyTo)).send(answer) });
 */
export async function serveJobs<T, R>(
  jobs: NatsChan<T>,
  runner: JobRunner<T, R>,
  options: ServeJobsOptions<T, R>,
): Promise<ServeJobsResult> {
  const o = checkOptions('serveJobs', options, ['concurrency', 'reply', 'retryDelayMs', 'signal', 'onError']) as Partial<ServeJobsOptions<T, R>>;
  if (!(jobs instanceof NatsChan)) throw bad('jobs must be a network channel (from natsChan)', jobs);
  const run = toRun(runner);
  const n = checkIntegerIn('serveJobs', 'concurrency', o.concurrency, 1, 10_000);
  if (o.reply !== undefined && typeof o.reply !== 'function') throw bad('reply must be a function', o.reply);
  const retryDelayMs = checkIntegerIn('serveJobs', 'retryDelayMs', o.retryDelayMs ?? 1000, 0, 2 ** 31 - 1, '2^31 - 1');
  if (o.onError !== undefined && typeof o.onError !== 'function') throw bad('onError must be a function', o.onError);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw bad('signal must be an AbortSignal', o.signal);
  const { reply, onError, signal } = o;

  // stop ends the taking of jobs: the caller's signal, or an onError that threw (its error is then serveJobs's).
  const stop = new AbortController();
  const forward = (): void => stop.abort(signal!.reason);
  if (signal?.aborted === true) stop.abort(signal.reason);
  else signal?.addEventListener('abort', forward, { once: true });
  let hookFailed: { error: unknown } | null = null;
  const report = (e: unknown, job: T | undefined): void => {
    if (onError === undefined) return;
    try {
      onError(e, job);
    } catch (hookError) {
      hookFailed ??= { error: hookError };
      stop.abort(hookError);
    }
  };
  const places = chan<void>(n); // a send takes a place, a receive frees one
  const held = new WaitGroup();
  let done = 0;
  let failed = 0;
  try {
    for (;;) {
      await places.send(undefined);
      if (stop.signal.aborted) break;
      let d;
      try {
        d = await jobs.recvDelivery(stop.signal);
      } catch (e) {
        if (stop.signal.aborted && e === stop.signal.reason) break;
        if (!isDecodeError(e)) throw e;
        // A job that does not decode was terminated by the receive (it never will decode): report it, go on.
        places.tryRecv();
        failed++;
        report(e, undefined);
        continue;
      }
      if (d === undefined) break; // closed and drained
      const job = d;
      held.add(1);
      go(async () => {
        try {
          const result = await run(job.value, { redelivered: job.redelivered });
          if (reply !== undefined) await reply(job.value, result);
          await job.ack();
          done++;
        } catch (e) {
          job.nak(retryDelayMs); // no-op if the ack was sent and its confirmation is what failed
          failed++;
          report(e, job.value);
        } finally {
          places.tryRecv();
          held.done();
        }
      });
    }
  } finally {
    signal?.removeEventListener('abort', forward);
    await held.wait();
  }
  if (hookFailed !== null) throw (hookFailed as { error: unknown }).error;
  return { done, failed };
}

function toRun<T, R>(runner: JobRunner<T, R>): (job: T, info: JobInfo) => Promise<R> {
  if (typeof runner === 'function') return async (job, info) => runner(job, info);
  if (typeof runner === 'object' && runner !== null && typeof runner.submit === 'function') return (job) => runner.submit(job);
  throw bad('runner must be a worker pool (with submit) or a function', runner);
}

function bad(what: string, v: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`serveJobs: ${what}, got ${describe(v)}`);
}
