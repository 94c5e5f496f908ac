/**
 * PoolWorker is one worker of a pool: a goroutine that ranges over the pool's jobs channel (or, under round-robin,
 * its own inbox fed by the dispatcher) and runs one job at a time. While idle it selects on:
 *
 *   - the jobs channel (or its inbox): a job to run; closed: the pool is stopping, exit;
 *   - its quit channel: closed by scaleDown or restartUnhealthyWorkers, exit;
 *   - an idle timer (only when the pool may shrink): idleTimeout passed with no job, exit if above minWorkers;
 *   - its ping channel: the pool's heartbeat ticker pings idle workers every heartbeatInterval, and the worker
 *     answers by recording that it is alive (one pool ticker, not one timer per worker in every idle select).
 *
 * It also beats when it starts and finishes a job, so a worker whose lastBeat is older than stuckAfter is one that
 * has been running a single job that long: stuck.
 */
import { chan } from '../../runtime/chan/local-chan.js';
import type { Chan, RecvChan } from '../../runtime/chan/types.js';
import { recvCase, select } from '../../runtime/select.js';
import { newTimer, type Timer } from '../../runtime/time/timer.js';
import { nowMillis } from '../../runtime/time/sleep.js';
import type { Job } from './job.js';

export type WorkerState = 'idle' | 'busy' | 'exited';

/** WorkerHost is what a worker needs from its pool. */
export interface WorkerHost<TIn, TOut> {
  /** idleTimeout is Infinity when the pool cannot shrink. */
  readonly idleTimeout: number;
  /** mayShrink reports whether a worker that idled for idleTimeout should exit (the pool is above minWorkers). */
  mayShrink(): boolean;
  /** handle runs or rejects one job taken by `w`. */
  handle(job: Job<TIn, TOut>): Promise<void>;
  /** exited is told when `w`'s goroutine returns (normally or not). */
  exited(w: PoolWorker<TIn, TOut>, error?: unknown): void;
}

// What an idle worker's select returns besides a job (strings: a job is an object, so they never collide).
const QUIT = 'quit' as const;
const IDLE = 'idle' as const;
const BEAT = 'beat' as const;

export class PoolWorker<TIn, TOut> {
  state: WorkerState = 'idle';
  /** lastBeat is when the worker last showed it was alive (virtual time in a synctest bubble). */
  lastBeat = nowMillis();
  jobsRun = 0;
  /** retired is set by scaleDown or restart: finish the current job, then exit. */
  retired = false;
  /** current is the job being run, for restart to fail it. */
  current: Job<TIn, TOut> | null = null;
  readonly quit: Chan<void> = chan<void>();
  /** ping receives the pool's heartbeat requests (one slot: a ping left unanswered is not repeated). */
  readonly ping: Chan<void> = chan<void>(1);
  /** exitedChan is closed when the worker's goroutine has returned. */
  readonly exitedChan: Chan<void> = chan<void>();
  #inboxClosed = false;

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

  /** loop is the worker's goroutine. */
  async loop(host: WorkerHost<TIn, TOut>): Promise<void> {
    let idle: Timer | null = null;
    try {
      while (!this.retired) {
        // Fast path: a queued job is taken without a select or a timer.
        const r = this.source.tryRecv();
        let ev: Job<TIn, TOut> | undefined | typeof QUIT | typeof IDLE | typeof BEAT;
        if (r !== undefined) ev = r.ok ? r.value : undefined;
        else {
          if (host.idleTimeout !== Infinity) {
            if (idle === null) idle = newTimer(host.idleTimeout);
            else idle.reset(host.idleTimeout);
          }
          ev = await select([
            recvCase(this.source, (v, ok) => (ok ? v : undefined)),
            recvCase(this.quit, (): typeof QUIT => QUIT),
            recvCase(idle === null ? null : idle.c, (): typeof IDLE => IDLE),
            recvCase(this.ping, (): typeof BEAT => BEAT),
          ]);
        }
        if (ev === undefined || ev === QUIT) break;
        if (ev === BEAT) {
          this.lastBeat = nowMillis();
          continue;
        }
        if (ev === IDLE) {
          if (host.mayShrink()) break;
          continue;
        }
        this.state = 'busy';
        this.current = ev;
        this.lastBeat = nowMillis();
        try {
          await host.handle(ev);
        } finally {
          this.current = null;
          this.jobsRun++;
          this.state = 'idle';
          this.lastBeat = nowMillis();
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
