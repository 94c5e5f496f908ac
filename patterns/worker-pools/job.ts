/**
 * Job is one submitted input on its way through a pool: queued on the jobs channel, taken by a worker, run, and
 * settled exactly once: its outcome (the output, or the task's error, TaskTimeoutError, PatternStoppedError or
 * WorkerRestartedError) goes to the submitter, unless the submitter gave up first. A submit that can give up (a
 * cancel, or a wait for queue room) selects on the job's reply channel; one queued at once without a cancel is
 * handed the job's own promise, which the settler completes directly (no channel, no parked receive, no hop).
 *
 * runJob starts the work, whose outcome arrives on a one-slot channel (sent from the work's promise callbacks), and
 * selects on that channel against the run Context's done channel: a timeout, an abort, a cancel-stop or a restart
 * ends the wait at once (and, on a synctest bubble's virtual clock, deterministically), whether or not the work
 * heeds its Context. Work that returns synchronously (not a promise) completes without a select.
 */
import {
  cause,
  withCancelCause,
  type CancelCauseFunc,
  type Context,
  withTimeoutCause,
  chan,
  type Chan,
  recvCase,
  select,
  newTimer,
} from '../../runtime/index.js';
import {
  abandonTask,
  goThreadAbandonable,
  type Settle,
  type TaskGoroutine,
  parkEnd,
  parkStart,
  type Park,
  hold,
  unhold,
  type Holder,
} from '../../runtime/internal.js';
import { TaskTimeoutError } from './pool-errors.js';
import type { ResolvedPoolConfig } from './pool-config.js';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** TaskRunner is told when the thread task of a job it started ends (a PoolWorker running a window). */
export interface TaskRunner<TIn, TOut> {
  taskEnded(job: Job<TIn, TOut>, ok: boolean, v: unknown): void;
}

// wait's promise executor, shared: it leaves the resolving functions here for wait to take (no closure per job).
let resolveOut: ((v: unknown) => void) | null = null;
let rejectOut: ((e: unknown) => void) | null = null;
function capture(resolve: (v: unknown) => void, reject: (e: unknown) => void): void {
  resolveOut = resolve;
  rejectOut = reject;
}

export class Job<TIn, TOut> implements Settle {
  readonly input: TIn;
  readonly enqueuedAt: number;
  /** settled is set by whoever settles the job first: a worker, a restart, or the submitter giving up (cancel). */
  settled = false;
  /** cancelRun cancels the running work's Context or wait (runJob; null while queued and after it ran). */
  cancelRun: CancelCauseFunc | null = null;
  /** reply carries the outcome to a submitter that selects on it (one slot: the settler never blocks), or null. */
  reply: Chan<Outcome<TOut>> | null = null;
  /** task is the job's running thread task in a window (null otherwise), for cancel. */
  task: TaskGoroutine | null = null;
  /** runner is told when that task ends (this job is the task's Settle); startedAt is when it started. */
  runner: TaskRunner<TIn, TOut> | null = null;
  startedAt = 0;
  // The submitter's promise (wait), or the outcome of a job settled before wait was called.
  #resolve: ((v: unknown) => void) | null = null;
  #reject: ((e: unknown) => void) | null = null;
  #park: Park | null = null;
  #early: Outcome<TOut> | null = null;

  /** gocspWait names the submitter's wait for a goroutine dump (see runtime/sched/heap-walk.ts). */
  gocspWait: string | null = null;
  heldIndex = -1;

  constructor(input: TIn, enqueuedAt: number) {
    this.input = input;
    this.enqueuedAt = enqueuedAt;
  }

  /**
   * wait returns the promise of the job's outcome, for a submitter without a reply channel; the submitter counts
   * as parked until it settles (as on a receive), so a synctest bubble's clock runs meanwhile.
   */
  wait(): Promise<TOut> {
    const early = this.#early;
    if (early !== null) return early.ok ? Promise.resolve(early.value) : Promise.reject(early.error);
    const p = new Promise<unknown>(capture) as Promise<TOut>;
    this.#resolve = resolveOut;
    this.#reject = rejectOut;
    resolveOut = rejectOut = null;
    this.#park = parkStart('pool submit');
    this.gocspWait = 'pool submit';
    hold(this);
    return p;
  }

  /** finish settles the job with `v` (the output if ok, else the error) unless it is settled; it reports whether it did. */
  finish(ok: boolean, v: unknown): boolean {
    if (this.settled) return false;
    this.settled = true;
    if (this.reply !== null) {
      this.reply.trySend(ok ? { ok: true, value: v as TOut } : { ok: false, error: v });
      return true;
    }
    const resolve = this.#resolve;
    if (resolve === null) {
      this.#early = ok ? { ok: true, value: v as TOut } : { ok: false, error: v };
      return true;
    }
    const reject = this.#reject!;
    this.#resolve = this.#reject = null;
    parkEnd(this.#park!);
    unhold(this);
    this.#park = null;
    if (ok) resolve(v);
    else reject(v);
    return true;
  }

  /** cancel stops the job's running work with `cause` (its task abandoned, or its Context or wait canceled). */
  cancel(cause: unknown): void {
    const t = this.task;
    if (t !== null) {
      this.task = null;
      abandonTask(t, cause); // tells this job (reject) at once
      return;
    }
    this.cancelRun?.(cause);
  }

  /** resolve is the Settle of the job's thread task: it returned `value`. */
  resolve(value: unknown): void {
    this.runner!.taskEnded(this, true, value);
  }

  /** reject is the Settle of the job's thread task: it threw `error`, its thread died, or it was abandoned. */
  reject(error: unknown): void {
    this.runner!.taskEnded(this, false, error);
  }
}

/** settle gives `o` to the job's submitter unless the job is already settled; it reports whether it settled it. */
export function settle<TIn, TOut>(job: Job<TIn, TOut>, o: Outcome<TOut>): boolean {
  return job.finish(o.ok, o.ok ? o.value : o.error);
}

/**
 * runJob runs `job` and returns its outcome. It never throws: the work's error, a timeout or a cancellation is a
 * failed outcome (the cause: TaskTimeoutError, PatternStoppedError, the abort reason, WorkerRestartedError).
 *
 * Worker mode: the work gets a child of `poolCtx` (with taskTimeout as a deadline whose cause is TaskTimeoutError),
 * and the wait selects on the outcome against that Context's done channel. Task mode: a task cannot receive a
 * Context (it runs on another thread), so no Context is made per job: the wait selects on the outcome, the pool's
 * done channel and a taskTimeout timer, and a cancel is a failed outcome sent on the one-slot outcome channel (the
 * first outcome sent wins). When the wait ends with anything but the task's own outcome, the task is abandoned with
 * goThreadAbandonable: its worker thread is terminated and replaced, and the other goroutines running on that thread
 * fail with ThreadDiedError. (Thread tasks without a taskTimeout run in batches instead: PoolCore.handleBatch.)
 */
export async function runJob<TIn, TOut>(
  owner: string,
  cfg: ResolvedPoolConfig<TIn, TOut>,
  poolCtx: Context,
  job: Job<TIn, TOut>,
): Promise<Outcome<TOut>> {
  const out = chan<Outcome<TOut>>(1);
  const input = job.input;
  if (cfg.mode === 'task') {
    const fn = cfg.task;
    // An outcome other than the task's own (timeout, abort, restart, cancel-stop) abandons the task: the runtime
    // terminates its thread (and replaces it) so a stuck task does not keep occupying it.
    let returned = false;
    job.cancelRun = (c) => out.trySend({ ok: false, error: c });
    let started: ReturnType<typeof goThreadAbandonable<[TIn], Promise<TOut> | TOut>>;
    try {
      started = goThreadAbandonable(fn, [input]);
    } catch (error) {
      job.cancelRun = null;
      return { ok: false, error }; // an input that cannot cross threads
    }
    const [result, abandon] = started;
    result.then(
      (value) => {
        returned = true;
        out.trySend({ ok: true, value: value as TOut });
      },
      (error: unknown) => {
        returned = true;
        out.trySend({ ok: false, error });
      },
    );
    const timer = cfg.taskTimeout === Infinity ? null : newTimer(cfg.taskTimeout);
    let o: Outcome<TOut> | null = null;
    try {
      o = await select([
        recvCase(out, (v) => v!),
        recvCase(poolCtx.done(), (): Outcome<TOut> => ({ ok: false, error: cause(poolCtx) })),
        recvCase(timer?.c ?? null, (): Outcome<TOut> => ({ ok: false, error: new TaskTimeoutError(owner, cfg.taskTimeout) })),
      ]);
      return o;
    } finally {
      job.cancelRun = null;
      timer?.stop();
      if (!returned) abandon(o !== null && !o.ok ? o.error : undefined);
    }
  }
  const [runCtx, cancelRun] = withCancelCause(poolCtx);
  let ctx = runCtx;
  let stopTimer: (() => void) | null = null;
  if (cfg.taskTimeout !== Infinity) {
    const [t, c] = withTimeoutCause(runCtx, cfg.taskTimeout, new TaskTimeoutError(owner, cfg.taskTimeout));
    ctx = t;
    stopTimer = c;
  }
  job.cancelRun = cancelRun;
  // Every way out releases the run's Context: it is registered in the pool's until canceled (Go's defer cancel()).
  const fn = cfg.worker;
  try {
    const r = fn(input, ctx);
    if (!isThenable(r)) {
      release(job, stopTimer, cancelRun);
      return { ok: true, value: r }; // synchronous work: no wait, no select
    }
    r.then(
      (value) => out.trySend({ ok: true, value }),
      (error: unknown) => out.trySend({ ok: false, error }),
    );
  } catch (error) {
    release(job, stopTimer, cancelRun);
    return { ok: false, error };
  }
  try {
    return await select([
      recvCase(out, (o) => o!),
      recvCase(ctx.done(), (): Outcome<TOut> => ({ ok: false, error: cause(ctx) ?? ctx.err() })),
    ]);
  } finally {
    release(job, stopTimer, cancelRun);
  }
}

/** release ends a job's run in worker mode: its timeout timer stopped, its Context canceled and unregistered. */
function release<TIn, TOut>(job: Job<TIn, TOut>, stopTimer: (() => void) | null, cancelRun: CancelCauseFunc): void {
  job.cancelRun = null;
  stopTimer?.();
  cancelRun();
}

function isThenable<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}
