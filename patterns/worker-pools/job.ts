/**
 * Job is one submitted input on its way through a pool: queued on the jobs channel, taken by a worker, run, and
 * settled exactly once: its outcome (the output, or the task's error, TaskTimeoutError, PatternStoppedError or
 * WorkerRestartedError) goes to the submitter on the job's reply channel, unless the submitter gave up first.
 *
 * runJob runs the work as a goroutine whose outcome arrives on a one-slot channel, and selects on that channel
 * against the run Context's done channel: a timeout, an abort, a cancel-stop or a restart ends the wait at once
 * (and, on a synctest bubble's virtual clock, deterministically), whether or not the work heeds its Context.
 */
import { cause, withCancelCause } from '../../runtime/context/cancel-ctx.js';
import type { CancelCauseFunc, Context } from '../../runtime/context/context.js';
import { withTimeoutCause } from '../../runtime/context/timer-ctx.js';
import { chan } from '../../runtime/chan/local-chan.js';
import type { Chan } from '../../runtime/chan/types.js';
import { go } from '../../runtime/go.js';
import { recvCase, select } from '../../runtime/select.js';
import { goThread } from '../../runtime/threads/go-thread.js';
import { TaskTimeoutError } from './errors.js';
import type { ResolvedPoolConfig } from './pool-config.js';

export interface Job<TIn, TOut> {
  readonly input: TIn;
  readonly enqueuedAt: number;
  /** settled is set by whoever settles the job first: a worker, a restart, or the submitter giving up (cancel). */
  settled: boolean;
  /** cancelRun cancels the running task's Context (null while queued and after it ran). */
  cancelRun: CancelCauseFunc | null;
  /** reply carries the outcome to the submitter (one slot: the settler never blocks). */
  readonly reply: Chan<Outcome<TOut>>;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** settle sends `o` to the job's submitter unless the job is already settled; it reports whether it settled it. */
export function settle<TIn, TOut>(job: Job<TIn, TOut>, o: Outcome<TOut>): boolean {
  if (job.settled) return false;
  job.settled = true;
  job.reply.trySend(o);
  return true;
}

/**
 * runJob runs `job` under a child of `poolCtx` (plus taskTimeout) and returns its outcome. It never throws: the
 * work's error, a timeout or a cancellation is a failed outcome whose error is the Context's cause.
 */
export async function runJob<TIn, TOut>(
  owner: string,
  cfg: ResolvedPoolConfig<TIn, TOut>,
  poolCtx: Context,
  job: Job<TIn, TOut>,
): Promise<Outcome<TOut>> {
  const [runCtx, cancelRun] = withCancelCause(poolCtx);
  let ctx = runCtx;
  let stopTimer: (() => void) | null = null;
  if (cfg.taskTimeout !== Infinity) {
    const [t, c] = withTimeoutCause(runCtx, cfg.taskTimeout, new TaskTimeoutError(owner, cfg.taskTimeout));
    ctx = t;
    stopTimer = c;
  }
  job.cancelRun = cancelRun;
  const out = chan<Outcome<TOut>>(1);
  const input = job.input;
  if (cfg.mode === 'worker') {
    const fn = cfg.worker;
    go(async () => {
      try {
        out.trySend({ ok: true, value: await fn(input, ctx) });
      } catch (error) {
        out.trySend({ ok: false, error });
      }
    });
  } else {
    const fn = cfg.task;
    go(async () => {
      try {
        out.trySend({ ok: true, value: (await goThread(fn, input)) as TOut });
      } catch (error) {
        out.trySend({ ok: false, error });
      }
    });
  }
  try {
    return await select([
      recvCase(out, (o) => o!),
      recvCase(ctx.done(), (): Outcome<TOut> => ({ ok: false, error: cause(ctx) ?? ctx.err() })),
    ]);
  } finally {
    job.cancelRun = null;
    stopTimer?.();
    cancelRun();
  }
}
