/**
 * PoolCore is the machinery both pool classes are thin faces over: the queue and its pause (PoolAdmission,
 * pool-admission.ts), worker goroutines ranging over it (pool-worker.ts), under round-robin a dispatcher goroutine
 * that feeds each worker's one-slot inbox, and for auto-scaling a supervisor goroutine on a ticker. It counts every
 * submit and settles every job.
 *
 *   submit ──► admission (jobs chan, or priority queue) ──► worker 1..n   (least-loaded: whichever is idle takes it)
 *                                                     └─► dispatcher ──► inbox 1..n ──► worker 1..n   (round-robin)
 *
 * Invariants: a job is settled exactly once (job.ts settle); a worker is in #workers from its spawn until its
 * goroutine returns, or until restartUnhealthyWorkers replaces it; #wg counts live worker goroutines; #inFlight
 * counts the submits (submit, enqueue, map) that have been counted in submitted and not yet in one of completed,
 * failed, canceled and rejected (0: the pool is idle, onIdle); every change of the queue, the running jobs, the
 * counts or the pause is told to #watch (only while someone watches).
 */
import {
  background,
  cause,
  withCancelCause,
  type CancelCauseFunc,
  type Context,
  chan,
  type Chan,
  type RecvChan,
  ChannelClosedError,
  isChannelClosedError,
  go,
  recvCase,
  select,
  sendCase,
  WaitGroup,
  newTicker,
  nowMillis,
} from '../../runtime/index.js';
import { goThreadSettled } from '../../runtime/internal.js';
import { type Cancel, toContext } from '../core/cancel.js';
import { PatternStoppedError } from '../core/lifecycle.js';
import { Samples } from '../core/metrics.js';
import { PoolFullError, WorkerRestartedError } from './pool-errors.js';
import { Job, runJob, settle } from './job.js';
import type { ResolvedPoolConfig } from './pool-config.js';
import { PoolWorker, type WorkerHost } from './pool-worker.js';
import type { HealthStatus, WorkerHealth } from './health.js';
import { PoolAdmission } from './pool-admission.js';
import { PoolWatch } from './pool-watch.js';

/**
 * StopMode is how stop ends a pool: 'drain' (the default: queued and running jobs finish) or 'cancel' (they are
 * canceled).
 *
 * @example
 * await pool.stop({ mode: 'cancel' });
 */
export type StopMode = 'drain' | 'cancel';

/** WINDOW is the most thread-task jobs a worker runs at once (see window). */
const WINDOW = 256;

/** PoolHooks is how the core reports to the pattern that owns it (BasePattern's counters and error handler). */
export interface PoolHooks {
  /** owner is the pool's name, for error messages. */
  readonly owner: string;
  record(ok: boolean, ms: number): void;
  handleError(e: unknown): void;
  /** stoppedError makes the PatternStoppedError for a submit that found the pool stopping. */
  stoppedError(): PatternStoppedError;
}

/**
 * PoolCounters are the pool's own counts, beside BasePattern's completed/failed/latency. Invariant: each submit is
 * counted once in submitted and, once it has ended, once in exactly one of completed, failed (BasePattern's record),
 * canceled and rejected (pool-metrics.ts).
 */
export class PoolCounters {
  submitted = 0;
  rejected = 0;
  canceled = 0;
  timedOut = 0;
  crashed = 0;
  peakWorkers = 0;
  readonly queueWait = new Samples();
}

export class PoolCore<TIn, TOut> implements WorkerHost<TIn, TOut> {
  readonly counters = new PoolCounters();
  readonly #cfg: ResolvedPoolConfig<TIn, TOut>;
  readonly #hooks: PoolHooks;
  /** #inFlight: submits counted in submitted and not yet ended (see the invariants above). */
  #inFlight = 0;
  readonly #watch = new PoolWatch();
  /** #adm is the queue and the pause: when a job may start. */
  readonly #adm = new PoolAdmission<Job<TIn, TOut>>(() => this.#changed());
  readonly #workers = new Map<number, PoolWorker<TIn, TOut>>();
  #ctx: Context = background();
  #cancel: CancelCauseFunc = () => {};
  #quit: Chan<void> = chan<void>();
  #wg = new WaitGroup();
  #helpers = new WaitGroup();
  #nextId = 0;
  #rr = 0;
  /** #dispatching: the round-robin dispatcher runs (a worker spawned after it ended gets a closed inbox). */
  #dispatching = false;
  /** #held is 1 while the dispatcher holds a job it has taken from the queue but not yet placed in an inbox. */
  #held = 0;
  /**
   * window is how many jobs a worker runs at once: for thread tasks without a taskTimeout, up to WINDOW, which the
   * thread scheduler carries to its threads in batches; else one (a taskTimeout times each job alone, and a worker
   * running work on this thread runs one job at a time).
   */
  readonly window: number;
  /** #timed is config.enableMetrics: record queue waits (run times are BasePattern.record's). */
  readonly #timed: boolean;

  constructor(cfg: ResolvedPoolConfig<TIn, TOut>, hooks: PoolHooks) {
    this.#cfg = cfg;
    this.#hooks = hooks;
    this.window = cfg.mode === 'task' && cfg.taskTimeout === Infinity ? WINDOW : 1;
    this.#timed = cfg.enableMetrics;
  }

  get done(): RecvChan<void> | null {
    return this.#ctx.done();
  }

  /** paused reports whether workers must not take jobs (WorkerHost). */
  get paused(): boolean {
    return this.#adm.paused;
  }

  /** gate is closed at the next pause or resume (WorkerHost). */
  get gate(): RecvChan<void> {
    return this.#adm.gate;
  }

  /** watch is the pool's PoolWatch (onIdle, onEmpty, onSizeLessThan, progress). */
  get watch(): PoolWatch {
    return this.#watch;
  }

  /** inFlight is the number of submits not yet ended (queued, running, or waiting for room). */
  get inFlight(): number {
    return this.#inFlight;
  }

  get idleTimeout(): number {
    return this.#cfg.maxWorkers > this.#cfg.minWorkers ? this.#cfg.idleTimeout : Infinity;
  }

  mayShrink(): boolean {
    return this.#workers.size > this.#cfg.minWorkers;
  }

  /** start makes the channels and contexts and starts minWorkers workers, the dispatcher and the supervisor. */
  start(): void {
    const feed = this.#adm.open(this.#cfg.queueSize, this.#cfg.priorities);
    this.#watch.started();
    [this.#ctx, this.#cancel] = withCancelCause(background());
    this.#quit = chan<void>();
    this.#wg = new WaitGroup();
    this.#helpers = new WaitGroup();
    this.#dispatching = this.#cfg.loadBalancing === 'round-robin';
    this.spawn(this.#cfg.minWorkers);
    if (feed !== null) this.#helper(feed);
    if (this.#cfg.loadBalancing === 'round-robin') this.#helper(() => this.#dispatch());
    if (this.#cfg.enableAutoScaling) this.#helper(() => this.#supervise());
    this.#helper(() => this.#heartbeat());
  }

  /**
   * stop closes the queue to new jobs and waits for every worker to exit. 'drain' runs every queued job first;
   * 'cancel' cancels the running jobs' Contexts and fails them and every queued job with PatternStoppedError.
   */
  async stop(mode: StopMode): Promise<void> {
    if (mode === 'cancel') this.#cancel(this.#hooks.stoppedError());
    this.#adm.stop(); // and resumes: a paused pool could not drain
    this.#quit.close();
    this.#adm.close();
    await this.#helpers.wait();
    await this.#wg.wait();
    this.#cancel(this.#hooks.stoppedError());
    this.#watch.stopped();
  }

  /** pause stops workers taking jobs (running ones go on); submits are still queued. Idempotent; no-op while stopping. */
  pause(): void {
    this.#adm.pause();
  }

  /** resume lets workers take jobs again. Idempotent. */
  resume(): void {
    this.#adm.resume();
  }

  /** #changed tells the watch that the pool's state changed, if anyone watches. */
  #changed(): void {
    if (this.#watch.active) this.#watch.changed();
  }

  /** #ended is told once per submit as it is counted in completed, failed, canceled or rejected. */
  #ended(): void {
    this.#inFlight--;
    if (this.#watch.active) this.#watch.changed();
  }

  /** #stamp is the enqueue time of a new job (0 when queue waits are not recorded). */
  #stamp(): number {
    return this.#timed ? nowMillis() : 0;
  }

  /**
   * submit sends a job on the jobs channel and returns its outcome (see WorkerPool.submit). The common case, a job
   * queued at once without a cancel, is kept lean (it is per job): the job's own promise, settled directly by
   * whoever settles the job. Otherwise (submitWaiting) the waits for room and for the outcome, on the job's reply
   * channel, select against the submitter's cancel.
   */
  submit(input: TIn, cancel: Cancel, priority = 0): Promise<TOut> {
    this.counters.submitted++;
    this.#inFlight++;
    const job = new Job<TIn, TOut>(input, this.#stamp());
    if (cancel === undefined) {
      const q = this.#queueNow(job, priority);
      if (q === true) return job.wait();
      if (q !== false) return Promise.reject(q);
    }
    job.reply = chan(1);
    return this.#submitWaiting(job, cancel, priority);
  }

  /**
   * enqueue is submit without the outcome (see WorkerPool.enqueue): it resolves once the job is queued, and the job
   * then lives on its own (its failure goes to the error handler and the counts). `cancel` bounds the wait for room.
   */
  enqueue(input: TIn, cancel: Cancel, priority = 0): Promise<void> {
    return this.admit(new Job<TIn, TOut>(input, this.#stamp()), cancel, priority);
  }

  /**
   * admit counts `job` as submitted and queues it, resolving once it is queued: it waits for room (onFull 'wait'),
   * or rejects with PoolFullError ('reject'), PatternStoppedError (the pool is stopping) or the cancel's reason,
   * each counted (rejected, or canceled for the cancel). The job's outcome goes where `job` sends it (its finish).
   */
  admit(job: Job<TIn, TOut>, cancel: Cancel, priority = 0): Promise<void> {
    this.counters.submitted++;
    this.#inFlight++;
    // The cancel only bounds the wait for room: a job that can be queued at once is, unless it is canceled already.
    if (!isCanceled(cancel)) {
      const q = this.#queueNow(job, priority);
      if (q === true) return QUEUED;
      if (q !== false) return Promise.reject(q);
    }
    return this.#admitWaiting(job, cancel, priority);
  }

  async #admitWaiting(job: Job<TIn, TOut>, cancel: Cancel, priority: number): Promise<void> {
    const [ctx, release] = toContext(cancel);
    try {
      await this.#queue(job, ctx, priority);
    } finally {
      release();
    }
  }

  /**
   * #queueNow queues `job` if it can at once without a wait: true; false if it would wait for room; or the error
   * to reject with (PatternStoppedError: the pool is stopping), counted as rejected.
   */
  #queueNow(job: Job<TIn, TOut>, priority: number): boolean | Error {
    try {
      // Stopping: refused here, before a spawn (a worker started now would miss the stop). A map's feeder gets here
      // without WorkerPool's lifecycle check.
      if (this.#adm.stopping) throw new ChannelClosedError();
      if (this.#workers.size === 0) this.spawn(1);
      if (!this.#adm.tryQueue(job, priority)) return false;
    } catch (e) {
      return this.#refuse(job, isChannelClosedError(e) ? this.#hooks.stoppedError() : (e as Error)); // never queued
    }
    this.#changed();
    return true;
  }

  /**
   * #queue queues `job`, waiting for room while onFull is 'wait', with `ctx` as the submitter's cancel. It throws
   * (each counted) the cancel's reason, PoolFullError, or PatternStoppedError if the pool stopped meanwhile.
   */
  async #queue(job: Job<TIn, TOut>, ctx: Context, priority: number): Promise<void> {
    if (ctx.err() !== null) throw this.#gaveUp(job, ctx);
    const q = this.#queueNow(job, priority);
    if (q === true) return;
    if (q !== false) throw q;
    if (this.#cfg.onFull === 'reject') throw this.#refuse(job, new PoolFullError(this.#hooks.owner, this.#cfg.queueSize));
    try {
      if (!(await this.#adm.wait(job, priority, ctx.done()))) throw this.#gaveUp(job, ctx);
    } catch (e) {
      // a send on the closed queue: the pool stopped while this submit waited for room (never queued)
      if (!isChannelClosedError(e)) throw e;
      throw this.#refuse(job, this.#hooks.stoppedError());
    }
    this.#changed();
  }

  async #submitWaiting(job: Job<TIn, TOut>, cancel: Cancel, priority: number): Promise<TOut> {
    const reply = job.reply!;
    const [ctx, release] = cancel === undefined ? NO_CANCEL : toContext(cancel);
    try {
      await this.#queue(job, ctx, priority);
      const done = ctx.done();
      const o =
        done === null
          ? (await reply.recv())!
          : await select([recvCase(reply, (v) => v!), recvCase(done, () => null)]);
      if (o === null) throw this.#gaveUp(job, ctx);
      if (o.ok) return o.value;
      throw o.error;
    } finally {
      release();
    }
  }

  /**
   * #refuse settles a job that was never queued with `error` and counts it as rejected, unless it has settled
   * already (a map gave it up while it waited for room: counted canceled then); it returns `error`.
   */
  #refuse(job: Job<TIn, TOut>, error: Error): Error {
    if (job.finish(false, error)) {
      this.counters.rejected++;
      this.#ended();
    }
    return error;
  }

  /** #gaveUp settles a job whose submitter's cancel fired (a queued job then never runs) and returns the cause. */
  #gaveUp(job: Job<TIn, TOut>, ctx: Context): unknown {
    const c = cause(ctx);
    this.giveUp(job, c);
    return c;
  }

  /**
   * giveUp ends an accepted job for its submitter with `c` (a queued job then never runs, a running one is
   * canceled) and counts it as canceled, unless it has settled already.
   */
  giveUp(job: Job<TIn, TOut>, c: unknown): void {
    if (job.settled) return;
    job.settled = true;
    job.cancel(c);
    this.counters.canceled++;
    this.#ended();
  }

  /**
   * #cancelJob fails an accepted job that the pool itself ends before its work did (stop({ mode: 'cancel' }), a
   * stop that finds no worker for it, restartUnhealthyWorkers) with `error`, and counts it as canceled, unless it
   * has settled already.
   */
  #cancelJob(job: Job<TIn, TOut>, error: unknown): void {
    if (!settle(job, { ok: false, error })) return;
    this.counters.canceled++;
    this.#ended();
  }

  /** spawn starts up to `n` workers (never past maxWorkers) and returns how many it started. */
  spawn(n: number): number {
    const k = Math.min(n, this.#cfg.maxWorkers - this.#workers.size);
    for (let i = 0; i < k; i++) {
      const id = ++this.#nextId;
      const inbox = this.#cfg.loadBalancing === 'round-robin' ? chan<Job<TIn, TOut>>(1) : null;
      const w = new PoolWorker<TIn, TOut>(id, inbox ?? this.#adm.source, inbox);
      // Spawned during a stop after the dispatcher closed the inboxes (restartUnhealthyWorkers): nothing will come.
      if (inbox !== null && !this.#dispatching) w.closeInbox();
      this.#workers.set(id, w);
      this.#wg.add(1);
      go(() => w.loop(this));
    }
    this.counters.peakWorkers = Math.max(this.counters.peakWorkers, this.#workers.size);
    return Math.max(k, 0);
  }

  /** retire asks up to `n` workers (idle ones first) to exit, never below minWorkers, and waits until they have. */
  async retire(n: number): Promise<number> {
    const k = Math.min(n, this.#workers.size - this.#cfg.minWorkers);
    if (k <= 0) return 0;
    const live = [...this.#workers.values()].filter((w) => !w.retired);
    live.sort((a, b) => (a.state === 'idle' ? 0 : 1) - (b.state === 'idle' ? 0 : 1));
    const chosen = live.slice(0, k);
    const exits = chosen.map((w) => {
      const wait = w.exitedChan;
      w.retire();
      return wait.recv();
    });
    await Promise.all(exits);
    return chosen.length;
  }

  /** handle runs one job taken by worker `w` (WorkerHost). */
  async handle(job: Job<TIn, TOut>): Promise<void> {
    this.#changed(); // taken off the queue
    if (job.settled) return; // canceled while queued: never runs
    if (this.#ctx.err() !== null) {
      this.#cancelJob(job, cause(this.#ctx));
      return;
    }
    const t0 = nowMillis();
    if (this.#timed) this.counters.queueWait.add(t0 - job.enqueuedAt);
    const o = await runJob(this.#hooks.owner, this.#cfg, this.#ctx, job);
    this.jobEnded(job, o.ok, o.ok ? o.value : o.error, nowMillis(), t0);
  }

  /**
   * startJob starts `job` in worker `w`'s window (WorkerHost; thread tasks without a taskTimeout): it runs as a thread
   * task at once, told to `w` as it ends (the job is the task's Settle, so no promise is made), and can be canceled
   * alone (its submitter's cancel, a restart or the pool's cancel-stop abandons its task).
   */
  startJob(w: PoolWorker<TIn, TOut>, job: Job<TIn, TOut>): void {
    this.#changed(); // taken off the queue
    if (job.settled) return; // canceled while queued: never runs
    if (this.#ctx.err() !== null) {
      this.#cancelJob(job, cause(this.#ctx));
      return;
    }
    const t0 = this.#timed ? nowMillis() : 0;
    if (this.#timed) this.counters.queueWait.add(t0 - job.enqueuedAt);
    // In the window before the start: the task may end at once (on a worker thread, a task that throws synchronously).
    job.startedAt = t0;
    job.runner = w;
    w.running.add(job);
    try {
      const t = goThreadSettled(this.#cfg.task, [job.input], job);
      if (!job.settled) job.task = t; // else it ended already: nothing left to abandon
    } catch (error) {
      w.running.delete(job);
      this.jobEnded(job, false, error, this.#timed ? nowMillis() : 0); // an input that cannot cross threads
    }
  }

  /** cancelRunning ends the jobs in `w`'s window with the pool's cancel-stop cause, abandoning their tasks. */
  cancelRunning(w: PoolWorker<TIn, TOut>): void {
    const c = cause(this.#ctx);
    for (const job of [...w.running]) {
      this.#cancelJob(job, c);
      job.cancel(c); // a window's job leaves w.running as its task is abandoned
      w.running.delete(job);
    }
  }

  /**
   * jobEnded settles a job whose work ended at `now` (ok: with output `v`, else error `v`), unless it was settled
   * before (canceled by its submitter, failed by a restart or a cancel-stop), and counts it (WorkerHost).
   */
  jobEnded(job: Job<TIn, TOut>, ok: boolean, v: unknown, now: number, startedAt = job.startedAt): void {
    if (!job.finish(ok, v)) return;
    if (!ok && this.#ctx.err() !== null && v === cause(this.#ctx)) {
      this.counters.canceled++; // ended by stop({ mode: 'cancel' }), as a queued job is
      this.#ended();
      return;
    }
    this.#hooks.record(ok, now - startedAt);
    this.#ended();
    if (!ok) {
      const code = (v as { code?: unknown } | null)?.code;
      if (code === 'ERR_TASK_TIMEOUT') this.counters.timedOut++;
      if (code === 'ERR_THREAD_DIED') this.counters.crashed++;
      this.#hooks.handleError(v);
    }
  }

  /** exited is told by a worker goroutine as it returns (WorkerHost). */
  exited(w: PoolWorker<TIn, TOut>, error?: unknown): void {
    if (this.#workers.get(w.id) === w) this.#workers.delete(w.id);
    if (error !== undefined) this.#hooks.handleError(error);
    if (w.inbox !== null) {
      w.closeInbox();
      for (let r = w.inbox.tryRecv(); r?.ok === true; r = w.inbox.tryRecv()) this.#redispatch(r.value!);
    }
    w.exitedChan.close();
    this.#wg.done();
  }

  // Round-robin: the dispatcher takes each job off the queue and places it in the next worker's inbox, skipping
  // workers whose inbox is full (busy); when every inbox is full it waits for the first with room.
  async #dispatch(): Promise<void> {
    for await (const job of this.#adm.source) {
      this.#held = 1;
      await this.#place(job);
      this.#held = 0;
    }
    this.#dispatching = false;
    for (const w of this.#workers.values()) w.closeInbox();
  }

  async #place(job: Job<TIn, TOut>): Promise<void> {
    for (;;) {
      if (job.settled) return;
      const live = [...this.#workers.values()].filter((w) => !w.retired && w.inbox !== null);
      if (live.length === 0) {
        if (this.spawn(1) === 0) {
          this.#cancelJob(job, this.#hooks.stoppedError());
          return;
        }
        continue;
      }
      for (let i = 0; i < live.length; i++) {
        const w = live[(this.#rr + i) % live.length]!;
        if (w.inbox!.trySend(job)) {
          this.#rr = (this.#rr + i + 1) % live.length;
          return;
        }
      }
      try {
        await select(live.map((w) => sendCase(w.inbox!, job)));
        return;
      } catch (e) {
        if (!isChannelClosedError(e)) throw e; // that worker exited meanwhile: try again
      }
    }
  }

  #redispatch(job: Job<TIn, TOut>): void {
    try {
      if (this.#adm.requeue(job)) return;
    } catch {
      // the queue is closed: the pool is stopping and this job never reached a worker
      this.#cancelJob(job, this.#hooks.stoppedError());
      return;
    }
    go(() => this.#place(job));
  }

  // Auto-scaling: every scalingInterval, compare the load to scalingThreshold and add the workers that bring it
  // back under it (idle workers above minWorkers leave by themselves after idleTimeout).
  async #supervise(): Promise<void> {
    const t = newTicker(this.#cfg.scalingInterval);
    try {
      for (;;) {
        const tick = await select([recvCase(t.c, () => true), recvCase(this.#quit, () => false)]);
        if (!tick) return;
        if (this.#adm.paused) continue; // the queue grows by design: more workers would not take from it
        const n = this.#workers.size;
        const demand = this.busyWorkers() + this.queueLength();
        if (n < this.#cfg.maxWorkers && (n === 0 ? demand > 0 : demand / n >= this.#cfg.scalingThreshold)) {
          this.spawn(Math.max(1, Math.ceil(demand / this.#cfg.scalingThreshold) - n));
        }
      }
    } finally {
      t.stop();
    }
  }

  // Heartbeats: every heartbeatInterval, ping each idle worker; it records a beat when it takes the ping. A busy
  // worker beats at the start and end of each job instead.
  async #heartbeat(): Promise<void> {
    const t = newTicker(this.#cfg.heartbeatInterval);
    try {
      for (;;) {
        const tick = await select([recvCase(t.c, () => true), recvCase(this.#quit, () => false)]);
        if (!tick) return;
        for (const w of this.#workers.values()) if (w.state === 'idle') w.ping.trySend();
      }
    } finally {
      t.stop();
    }
  }

  #helper(fn: () => Promise<void>): void {
    this.#helpers.add(1);
    go(async () => {
      try {
        await fn();
      } finally {
        this.#helpers.done();
      }
    });
  }

  workerCount(): number {
    return this.#workers.size;
  }

  busyWorkers(): number {
    let n = 0;
    for (const w of this.#workers.values()) if (w.state === 'busy') n++;
    return n;
  }

  /** runningJobs is the number of jobs started and not yet ended (a window counts each of its jobs). */
  runningJobs(): number {
    let n = 0;
    for (const w of this.#workers.values()) n += w.running.size;
    return n;
  }

  queueLength(): number {
    let n = this.#adm.len() + this.#held;
    for (const w of this.#workers.values()) n += w.inbox?.len() ?? 0;
    return n;
  }

  /** health reports each worker and which are stuck (busy with one job for longer than stuckAfter). */
  health(): HealthStatus {
    const t = nowMillis();
    const workers: WorkerHealth[] = [...this.#workers.values()].map((w) => ({
      id: w.id,
      state: w.state,
      sinceLastBeat: t - w.lastBeat,
      jobsRun: w.jobsRun,
      stuck: w.state === 'busy' && t - w.lastBeat > this.#cfg.stuckAfter,
    }));
    const stuck = workers.filter((w) => w.stuck).map((w) => w.id);
    return { healthy: stuck.length === 0, workers, stuck, checkedAt: t };
  }

  /** restartUnhealthy replaces every stuck worker: its job fails with WorkerRestartedError, a new worker starts. */
  restartUnhealthy(owner: string): number {
    const stuck = this.health().stuck;
    for (const id of stuck) {
      const w = this.#workers.get(id)!;
      this.#workers.delete(id);
      w.retire();
      for (const job of [...w.running]) {
        if (job.settled) continue;
        const e = new WorkerRestartedError(owner, id);
        this.#cancelJob(job, e); // first: the cancel may end the job at once, which must not count it again
        job.cancel(e);
        this.#hooks.handleError(e);
      }
      this.spawn(1);
    }
    return stuck.length;
  }
}

const NO_CANCEL: [Context, () => void] = [background(), () => {}];
const QUEUED: Promise<void> = Promise.resolve();

function isCanceled(c: Cancel): boolean {
  if (c === undefined) return false;
  return c instanceof AbortSignal ? c.aborted : c.err() !== null;
}
