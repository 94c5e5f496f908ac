/**
 * PoolWorker is one worker of a pool: a goroutine that ranges over the pool's jobs channel (or, under round-robin,
 * its own inbox fed by the dispatcher) and runs one job at a time; or, for thread tasks without a taskTimeout, a
 * window of up to host.window jobs at once: the job it received and whatever else is queued, handed to the thread
 * scheduler together (so that a round trip to a worker thread carries many jobs, not one), topped up from the
 * queue each time jobs of the window finish. While idle it selects on:
 *
 *   - the jobs channel (or its inbox): a job to run; closed: the pool is stopping, exit;
 *   - its quit channel: closed by scaleDown or restartUnhealthyWorkers, exit;
 *   - an idle timer (only when the pool may shrink): idleTimeout passed with no job, exit if above minWorkers;
 *   - its ping channel: the pool's heartbeat ticker pings idle workers every heartbeatInterval, and the worker
 *     answers by recording that it is alive (one pool ticker, not one timer per worker in every idle select);
 *   - the pool's gate: closed when the pool is paused or resumed. While paused, the jobs case is nil (Go's way to
 *     turn a select case off) and the worker takes nothing until the gate closes again at resume.
 *
 * It also beats when it starts a job and when it finishes one, so a worker whose lastBeat is older than stuckAfter
 * is one that has been running a single job (or a window in which no job finished) that long: stuck.
 */
import {
  chan,
  type Chan,
  type RecvChan,
  recvCase,
  select,
  newTimer,
  type Timer,
  nowMillis,
} from '../../runtime/index.js';
import type { Job, TaskRunner } from './job.js';

/**
 * WorkerState is a pool worker's state in HealthStatus: 'idle', 'busy' (running a job) or 'exited'.
 *
 * @example
 * const busy = pool.getHealthStatus().workers.filter((w) => w.state === 'busy').length;
 */
export type WorkerState = 'idle' | 'busy' | 'exited';

/** WorkerHost is what a worker needs from its pool. */
export interface WorkerHost<TIn, TOut> {
  /** idleTimeout is Infinity when the pool cannot shrink. */
  readonly idleTimeout: number;
  /** window is the most jobs a worker runs at once; 1: one job at a time, run by handle; more: run by startJob. */
  readonly window: number;
  /** done is the pool's cancel-stop channel (closed when running jobs must end at once), or null. */
  readonly done: RecvChan<void> | null;
  /** paused: take no job (running ones go on) until the gate closes. */
  readonly paused: boolean;
  /** gate is closed at the next pause or resume. */
  readonly gate: RecvChan<void>;
  /** mayShrink reports whether a worker that idled for idleTimeout should exit (the pool is above minWorkers). */
  mayShrink(): boolean;
  /** handle runs or rejects one job taken by `w`. */
  handle(job: Job<TIn, TOut>): Promise<void>;
  /**
   * startJob starts `job` in `w`'s window (window > 1) as a thread task told to `w` (taskEnded), in w.running, and
   * returns at once. A job that cannot start is settled and not added.
   */
  startJob(w: PoolWorker<TIn, TOut>, job: Job<TIn, TOut>): void;
  /** jobEnded settles a job of a window whose task ended (ok: with output `v`; else error `v`) at `now`, and counts it. */
  jobEnded(job: Job<TIn, TOut>, ok: boolean, v: unknown, now: number): void;
  /** cancelRunning ends every job in w.running at once with the pool's cancel-stop cause. */
  cancelRunning(w: PoolWorker<TIn, TOut>): void;
  /** exited is told when `w`'s goroutine returns (normally or not). */
  exited(w: PoolWorker<TIn, TOut>, error?: unknown): void;
}

// What an idle worker's select returns besides a job (strings: a job is an object, so they never collide).
const QUIT = 'quit' as const;
const IDLE = 'idle' as const;
const BEAT = 'beat' as const;
const GATE = 'gate' as const;

export class PoolWorker<TIn, TOut> implements TaskRunner<TIn, TOut> {
  state: WorkerState = 'idle';
  /** lastBeat is when the worker last showed it was alive (virtual time in a synctest bubble). */
  lastBeat = nowMillis();
  jobsRun = 0;
  /** retired is set by scaleDown or restart: finish the current job, then exit. */
  retired = false;
  /** running holds the jobs being run (one, or a window; empty while idle), for restart to fail them. */
  readonly running = new Set<Job<TIn, TOut>>();
  readonly quit: Chan<void> = chan<void>();
  /** ping receives the pool's heartbeat requests (one slot: a ping left unanswered is not repeated). */
  readonly ping: Chan<void> = chan<void>(1);
  /** exitedChan is closed when the worker's goroutine has returned. */
  readonly exitedChan: Chan<void> = chan<void>();
  /** freed is sent to (without blocking) as jobs of the window end: the window then has room. */
  readonly freed: Chan<void> = chan<void>(1);
  #inboxClosed = false;
  #host: WorkerHost<TIn, TOut> | null = null;

  constructor(
    readonly id: number,
    /** source is the shared jobs channel (least-loaded) or this worker's inbox (round-robin). */
    readonly source: RecvChan<Job<TIn, TOut>>,
    readonly inbox: Chan<Job<TIn, TOut>> | null,
  ) {}

  /** retire asks the worker to exit after its current job (idempotent). */
  retire(): void {
    if (this.retired) return;
    this.retired = true;
    this.quit.close();
  }

  /** closeInbox closes the round-robin inbox (idempotent; no-op without one). */
  closeInbox(): void {
    if (this.inbox === null || this.#inboxClosed) return;
    this.#inboxClosed = true;
    this.inbox.close();
  }

  /** finished counts a job this worker ran, and beats (at `now`). */
  finished(now = nowMillis()): void {
    this.jobsRun++;
    this.lastBeat = now;
  }

  /**
   * taskEnded is told (by the job, synchronously from the thread scheduler) that the thread task of `job`, started
   * in this worker's window, ended: it leaves the window, is settled and counted, and the window is told it has room.
   */
  taskEnded(job: Job<TIn, TOut>, ok: boolean, v: unknown): void {
    job.task = null;
    this.running.delete(job);
    if (this.running.size === 0 && this.state === 'busy') this.state = 'idle'; // until the window takes another
    const now = nowMillis();
    this.finished(now);
    this.#host!.jobEnded(job, ok, v, now);
    this.freed.trySend();
  }

  /**
   * #window runs `first` and the jobs queued behind it, up to host.window at once, and tops the window up from the
   * queue as jobs end, until it is empty: then the worker is idle again. A retired worker takes no more jobs; a
   * closed queue (the pool stopping) ends the taking; the pool's cancel-stop ends the running jobs at once.
   */
  async #window(host: WorkerHost<TIn, TOut>, first: Job<TIn, TOut>): Promise<void> {
    const window = host.window;
    host.startJob(this, first);
    let open = true;
    for (;;) {
      // pass 1 - fill the window with what is queued (taken without a select)
      while (open && !this.retired && !host.paused && this.running.size < window) {
        const r = this.source.tryRecv();
        if (r === undefined) break;
        if (!r.ok) open = false;
        else {
          this.state = 'busy';
          host.startJob(this, r.value!);
        }
      }
      if (this.running.size === 0) return;
      // pass 2 - wait until some of the window ends (or a resume: then fill again)
      const stop = await select([
        recvCase(this.freed, () => false),
        recvCase(host.done, () => true),
        recvCase(host.paused ? host.gate : null, () => false),
      ]);
      if (stop) {
        host.cancelRunning(this);
        return;
      }
    }
  }

  /** loop is the worker's goroutine. */
  async loop(host: WorkerHost<TIn, TOut>): Promise<void> {
    this.#host = host;
    let idle: Timer | null = null;
    try {
      while (!this.retired) {
        // Fast path: a queued job is taken without a select or a timer.
        const paused = host.paused;
        const r = paused ? undefined : this.source.tryRecv();
        let ev: Job<TIn, TOut> | undefined | typeof QUIT | typeof IDLE | typeof BEAT | typeof GATE;
        if (r !== undefined) ev = r.ok ? r.value : undefined;
        else {
          if (host.idleTimeout !== Infinity) {
            if (idle === null) idle = newTimer(host.idleTimeout);
            else idle.reset(host.idleTimeout);
          }
          ev = await select([
            recvCase(paused ? null : this.source, (v, ok) => (ok ? v : undefined)),
            recvCase(this.quit, (): typeof QUIT => QUIT),
            recvCase(idle === null ? null : idle.c, (): typeof IDLE => IDLE),
            recvCase(this.ping, (): typeof BEAT => BEAT),
            recvCase(host.gate, (): typeof GATE => GATE),
          ]);
        }
        if (ev === undefined || ev === QUIT) break;
        if (ev === GATE) continue; // paused or resumed: look again
        if (ev === BEAT) {
          this.lastBeat = nowMillis();
          continue;
        }
        if (ev === IDLE) {
          if (host.mayShrink()) break;
          continue;
        }
        this.state = 'busy';
        this.lastBeat = nowMillis();
        if (host.window > 1) {
          try {
            await this.#window(host, ev);
          } finally {
            this.state = 'idle';
          }
          continue;
        }
        this.running.add(ev);
        try {
          await host.handle(ev);
        } finally {
          this.running.delete(ev);
          this.state = 'idle';
          this.finished();
        }
      }
      this.state = 'exited';
      host.exited(this);
    } catch (e) {
      this.state = 'exited';
      host.exited(this, e);
    } finally {
      idle?.stop();
    }
  }
}
