/**
 * fanJobs is FanOut's engine: Go's fan-out, a feeder goroutine sending batches of item indices on a jobs channel
 * that N worker goroutines range over (or, with a LoadBalancer, on the per-worker channel it picks).
 *
 *   feeder ──jobs (cap workers)──▶ worker 0..N-1 ──work(job)
 *   feeder ──pick(loads)──▶ inbox[w] (cap 1) ──▶ worker w        (a balancer picks once some inbox has room)
 *
 * Invariants: every batch is taken by exactly one worker; fanJobs returns only after the feeder and all workers
 * have returned, so no goroutine of a call outlives it. A canceled parent rejects with its reason (cancelReason:
 * an AbortSignal's reason, a Context's cause); the call's own stop (first failure, PatternStoppedError) with its
 * cause.
 */
import {
  chan,
  type Chan,
  cause,
  withCancelCause,
  type CancelCauseFunc,
  type Context,
  InvalidArgumentError,
  go,
  recvCase,
  select,
  sendCase,
  WaitGroup,
} from '../../runtime/index.js';
import { cancelReason, toContext, type Cancel } from '../core/cancel.js';
import { show } from '../core/option-checks.js';
import type { LoadBalancer } from './load-balancer.js';

/** Job is one batch of item indices [start, end). */
export interface Job {
  readonly start: number;
  readonly end: number;
}

/** Call is the bookkeeping of one call in progress: per-worker loads and how to cancel it. */
export interface Call {
  readonly loads: number[];
  readonly cancel: CancelCauseFunc;
  finished: Promise<unknown>;
}

/** Work runs one job on worker `w` under the call's context; it throws to fail the call (fail-fast). */
export type Work = (job: Job, ctx: Context, w: number, loads: number[]) => Promise<void>;

/** FanRun describes one call: its items, workers, balancer, work, cancel, and where to register it. */
export interface FanRun {
  readonly owner: string;
  readonly total: number;
  readonly workerCount: number;
  readonly batchSize: number;
  readonly balancer: LoadBalancer | null;
  readonly work: Work;
  readonly cancel: Cancel;
  readonly calls: Set<Call>;
  onBatch(): void;
}

/**
 * fan runs `work` over the batches of [0, total) on the workers and returns once all of them have returned; it
 * rejects with the call's cancellation cause (the first failing item's error under fail-fast).
 */
export async function fanJobs(r: FanRun): Promise<void> {
const { owner, total, work, cancel, workerCount, batchSize, balancer } = r;
  const [parent, release] = toContext(cancel);
  const [ctx, stop] = withCancelCause(parent);
  const workers = Math.max(1, Math.min(workerCount, Math.ceil(total / batchSize)));
  const loads = new Array<number>(workerCount).fill(0);
  const call: Call = { loads, cancel: stop, finished: Promise.resolve() };
  r.calls.add(call);
  const done = ctx.done()!;
  const wg = new WaitGroup();
  const shared = chan<Job>(workers);
  const inboxes: Chan<Job>[] = balancer ? Array.from({ length: workers }, () => chan<Job>(1)) : [];
  const room = chan<true>(1); // a worker took a job from its inbox: the balancer may have a better choice now

  // The feeder: cuts [0, total) into batches and sends each on the shared channel or the balancer's pick.
  wg.add(1);
  go(async () => {
    try {
      for (let start = 0; start < total; start += batchSize) {
        const job: Job = { start, end: Math.min(total, start + batchSize) };
        let ch = shared;
        if (balancer) {
          // pick only once some inbox has room, so the loads it sees include the workers' progress
          while (inboxes.every((c) => c.len() === c.cap())) {
            if (!(await select([recvCase(room, () => true), recvCase(done, () => false)]))) return;
          }
          const w = balancer.pick(loads.slice(0, workers), job.end - job.start);
          if (!Number.isInteger(w) || w < 0 || w >= workers) {
            throw new InvalidArgumentError(
              `${owner}: load balancer "${balancer.name}" picked worker ${show(w)}, want an integer in [0, ${workers})`,
            );
          }
          ch = inboxes[w]!;
          loads[w]! += job.end - job.start;
        }
        r.onBatch();
        if (!ch.trySend(job) && !(await select([sendCase(ch, job, () => true), recvCase(done, () => false)]))) return;
      }
    } catch (e) {
      stop(e);
    } finally {
      if (balancer) for (const ch of inboxes) ch.close();
      else shared.close();
      wg.done();
    }
  });

  // The workers: each ranges over its channel until it is closed or the call ends.
  for (let w = 0; w < workers; w++) {
    const src = balancer ? inboxes[w]! : shared;
    wg.add(1);
    go(async () => {
      try {
        for (;;) {
          const got = src.tryRecv() ?? (await src.recvOk());
          if (!got.ok || ctx.err() !== null) return;
          const job = got.value!;
          if (balancer) room.trySend(true);
          else loads[w]! += job.end - job.start;
          await work(job, ctx, w, loads);
        }
      } catch (e) {
        stop(e);
      } finally {
        wg.done();
      }
    });
  }

  call.finished = wg.wait();
  try {
    await call.finished;
  } finally {
    r.calls.delete(call);
    release();
  }
  // A canceled parent rejects with its reason (core/cancel.ts); our own stop with its cause.
  const why = parent.err() !== null ? cancelReason(parent) : ctx.err() === null ? undefined : cause(ctx);
  stop();
  if (why !== undefined) throw why;
}
