/**
 * Scheduler places task goroutines on worker threads: N Threads, a run queue, and the workers' asks.
 *
 * Placement is pull-based (protocol.ts): go() pushes onto the run queue; a flush, once per burst of go() calls (a
 * microtask later, or at once when the burst already holds a full batch for every worker) and on every ask, hands
 * hungry workers batches. Each batch is a share of the queue (queue length / (2 * threads), rounded up) capped by
 * what the worker asked for, least-loaded worker first, so a burst spreads over every worker while an idle worker
 * drains what a busy one leaves. A worker starts the goroutines of a batch one after the other, so a short one
 * batched behind a long computation would wait for it: work stealing prevents that. When the queue is empty and a
 * worker asks, it is given up to half of the goroutines another worker holds but has not started (the claim words
 * of protocol.ts decide, goroutine by goroutine, which side wins a race with that worker's start). A goroutine thus
 * waits for a busy worker only while every worker is busy: an idle one asks, and takes what is held.
 *
 * Invariants:
 * - active = goroutines in the queue + goroutines in some Thread's inflight. The workers are ref'd iff active > 0.
 * - A thread is in `hungry` iff its ask is outstanding (want > 0); it leaves when a batch answers the ask.
 * - A goroutine in a Thread's inflight was posted to it; one taken back from it (unstarted) leaves inflight at once.
 * - Every goroutine ends exactly once: its report, its worker's death, its abandonment (abandon), or (goThread only)
 *   shutdown.
 * - A stopping thread (stoppedFor set) is never hungry: it gets no more goroutines before its exit.
 *
 * A worker that exits while the scheduler is open died: the exit hooks run, a replacement starts (unless it died before
 * it ever ran: a worker that cannot boot would fail again; if none is left, the queued goroutines fail instead),
 * then each goroutine it was running fails with ThreadDiedError.
 *
 * A goroutine is abandoned (abandon) by failing it at once; if it was running, its worker is terminated, since a
 * thread is the unit of isolation: the other goroutines running on that worker die with it (ThreadDiedError), as
 * above. Goroutines a terminated or dead worker held without starting them go back to the front of the queue.
 */
import { availableParallelism } from 'node:os';
import { InvalidArgumentError, ThreadDiedError } from '../panics.js';
import { panicMessage, panicked } from '../sched/panic.js';
import { decode } from './args.js';
import type { ThreadsConfig } from './threads-config.js';
import { errorFromWire } from './error-wire.js';
import { threadExited } from '../shared/memory/exit-hooks.js';
import { fail, succeed, type TaskGoroutine } from './task-goroutine.js';
import { BATCH_MAX, type FromWorker, type ReportMsg } from './protocol.js';
import { ArrayRunQueue, type RunQueue } from './run-queue.js';
import { Thread, type ThreadEvents } from './thread.js';
import { setSpinGuard } from '../shared/memory/parker.js';

const CPUS = availableParallelism();

/**
 * SHARE_DIVISOR sets the batch a worker gets: 1 / (SHARE_DIVISOR * threads) of the queue (guided self-scheduling
 * with factor 2: batches shrink as the queue drains, so goroutines batched behind a long computation are few).
 */
const SHARE_DIVISOR = 2;

/** lastSlot numbers worker threads for the life of the process (the main thread is 0). */
let lastSlot = 0;

export class Scheduler implements ThreadEvents {
  readonly #config: ThreadsConfig;
  readonly #threads = new Set<Thread>();
  readonly #hungry = new Set<Thread>();
  readonly #queue: RunQueue<TaskGoroutine> = new ArrayRunQueue<TaskGoroutine>();
  #active = 0;
  #refed = true;
  #flushQueued = false;
  #closed = false;

  constructor(config: ThreadsConfig) {
    this.#config = config;
    // The main thread spins on shared objects only while a CPU is left over by the workers with goroutines.
    setSpinGuard(() => this.#busyThreads() < CPUS);
  }

  /** #busyThreads counts the workers with goroutines on them. */
  #busyThreads(): number {
    let n = 0;
    for (const t of this.#threads) if (t.inflight.size > 0) n++;
    return n;
  }

  /** workers lists the worker threads (for the deadlock check and goroutine dumps). */
  get workers(): Thread[] {
    return [...this.#threads];
  }

  /** queued is how many goroutines wait for a worker (for the deadlock check: they count as awake). */
  get queued(): number {
    return this.#queue.length;
  }

  /** threads is how many worker threads are running (for tests and diagnostics). */
  get threads(): number {
    return this.#threads.size;
  }

  /** submit queues a goroutine; workers start on the first one (and again if every worker failed to boot). */
  submit(g: TaskGoroutine): void {
    if (this.#threads.size === 0) this.#start(this.#config.threads);
    this.#queue.push(g);
    if (++this.#active === 1) this.#setRef(true);
    if (this.#hungry.size === 0) return;
    if (this.#queue.length >= BATCH_MAX * (SHARE_DIVISOR + 1) * this.#threads.size) {
      // A long burst: hungry workers need not idle until it ends, as their shares are full batches already (the
      // queue holds a full share for every worker, even after the others took theirs).
      this.#flush();
      return;
    }
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      void Promise.resolve().then(() => {
        this.#flushQueued = false;
        this.#flush();
      });
    }
  }

  message(t: Thread, m: FromWorker): void {
    if (this.#closed) return;
    if (m.t === 'panic') {
      panicked(m.gid, errorFromWire(m.error), null);
      return;
    }
    this.#report(t, m);
  }

  exit(t: Thread, code: number, error: unknown): void {
    if (this.#closed || !this.#threads.has(t)) return;
    this.#threads.delete(t);
    this.#hungry.delete(t);
    const why = deathMessage(t.slot, t.ready, code, error, t.stoppedFor);
    const died = (): ThreadDiedError => deathError(why, t.slot, code, error);
    threadExited(t.slot, died());

    // pass 1 - take the dead worker's goroutines (those it never started go back to the queue), keep the queue served
    this.#queue.requeue(t.takeBack(Infinity));
    const lost = [...t.inflight.values()];
    t.inflight.clear();
    this.#active -= lost.length;
    let orphans: TaskGoroutine[] = [];
    if (t.ready) {
      this.#start(1);
    } else if (this.#threads.size === 0) {
      orphans = this.#queue.take(this.#queue.length);
      this.#active -= orphans.length;
    }
    this.#flush();

    // pass 2 - report them (a panic with no handler ends the process: everything else is done by now)
    for (const j of lost) fail(j, died());
    for (const j of orphans) fail(j, died());
  }

  /**
   * abandon ends goroutine `g` with `reason` if it has not ended yet: a queued one, or one a worker holds
   * without having started it, is dropped and never runs; a running one is failed at once and its worker terminated
   * (the worker's exit then fails the other goroutines running on it with ThreadDiedError and starts a
   * replacement; those it held without starting them are queued again first). It reports whether it was found.
   */
  abandon(g: TaskGoroutine, reason: unknown): boolean {
    if (this.#closed) return false;
    if (this.#queue.remove(g)) {
      if (--this.#active === 0) this.#setRef(false);
      fail(g, reason);
      return true;
    }
    for (const t of this.#threads) {
      if (t.inflight.get(g.msg.id) !== g) continue;
      if (t.takeBackGoroutine(g)) {
        if (--this.#active === 0) this.#setRef(false);
        fail(g, reason);
        return true;
      }
      t.inflight.delete(g.msg.id);
      this.#active--;
      this.#hungry.delete(t);
      t.want = 0;
      this.#queue.requeue(t.takeBack(Infinity));
      t.stop(g.msg.id);
      this.#flush();
      // The worker stays ref'd until its exit (#active counts its other goroutines, if any): its death is reported.
      if (this.#active === 0) this.#setRef(false);
      fail(g, reason);
      return true;
    }
    return false;
  }

  /**
   * shutdown terminates every worker. Goroutines still queued or running are abandoned: those of goThread reject
   * with ThreadDiedError, those of go end silently (as Go abandons goroutines when main returns).
   */
  async shutdown(): Promise<void> {
    this.#closed = true;
    setSpinGuard(null);
    const threads = [...this.#threads];
    this.#threads.clear();
    this.#hungry.clear();
    const abandoned: [TaskGoroutine, number][] = this.#queue.take(this.#queue.length).map((j) => [j, 0]);
    for (const t of threads) {
      for (const j of t.inflight.values()) abandoned.push([j, t.slot]);
      t.inflight.clear();
    }
    this.#active = 0;
    await Promise.all(threads.map((t) => t.terminate()));
    for (const t of threads) threadExited(t.slot, null);
    for (const [j, slot] of abandoned) {
      j.settle?.reject(new ThreadDiedError(slot === 0 ? 'threads shut down' : `thread ${slot} shut down`, slot));
    }
  }

  #start(n: number): void {
    for (let i = 0; i < n; i++) {
      const slot = ++lastSlot;
      let t: Thread;
      try {
        t = new Thread(slot, this.#config, this);
      } catch (e) {
        // The Worker constructor refused (bad options): nothing will ever run the queue, so fail it (a microtask
        // later, as the caller may be go() itself, which must not see someone else's failure).
        if (this.#threads.size === 0) void Promise.resolve().then(() => this.#failQueue(slot, e));
        continue;
      }
      t.setRef(this.#refed);
      this.#threads.add(t);
    }
  }

  #failQueue(slot: number, e: unknown): void {
    if (this.#threads.size > 0 || this.#closed) return;
    const gs = this.#queue.take(this.#queue.length);
    this.#active -= gs.length;
    const why = `thread ${slot} could not start: ${e instanceof Error ? e.message : String(e)}`;
    for (const j of gs) fail(j, new ThreadDiedError(why, slot, null, e));
  }

  #report(t: Thread, m: ReportMsg): void {
    const { ids, values, wired } = m;
    let w = 0; // the next position in wired
    for (let i = 0; i < ids.length; i++) {
      const g = t.inflight.get(ids[i]!);
      const isWired = w < wired.length && wired[w] === i;
      if (isWired) w++;
      if (g === undefined) continue;
      t.inflight.delete(ids[i]!);
      this.#active--;
      let value = values[i];
      if (isWired) {
        try {
          value = decode(value);
        } catch (e) {
          fail(g, e); // a shared object of a kind this thread never loaded
          continue;
        }
      }
      succeed(g, value);
    }
    for (const f of m.failed) {
      const g = t.inflight.get(f.id);
      if (g === undefined) continue;
      t.inflight.delete(f.id);
      this.#active--;
      fail(g, errorFromWire(f.error));
    }
    // A report can trail its worker's exit: a dead worker must never look hungry (a batch posted to it is lost).
    if (m.want > 0 && this.#threads.has(t) && t.stoppedFor === null) {
      t.want = m.want;
      this.#hungry.add(t);
    }
    this.#flush();
    if (this.#active === 0) this.#setRef(false);
  }

  #flush(): void {
    // pass 1 - share the queue among the hungry workers
    while (this.#queue.length > 0 && this.#hungry.size > 0) {
      let t: Thread | null = null;
      for (const h of this.#hungry) if (t === null || h.inflight.size < t.inflight.size) t = h;
      const share = Math.ceil(this.#queue.length / (SHARE_DIVISOR * this.#threads.size));
      this.#give(t!, this.#queue.take(Math.min(t!.want, share)));
    }
    // pass 2 - the queue is empty: a hungry worker takes half of what another holds without having started it
    if (this.#hungry.size > 0 && this.#threads.size > 1) this.#steal();
    if (this.#active === 0) this.#setRef(false);
  }

  /** #steal gives each hungry worker up to half of the unstarted goroutines of the worker holding the most. */
  #steal(): void {
    for (const h of [...this.#hungry]) {
      let victim: Thread | null = null;
      let most = 0;
      for (const t of this.#threads) {
        if (t === h) continue;
        const n = t.unstarted();
        if (n > most) {
          most = n;
          victim = t;
        }
      }
      if (victim === null) continue;
      const gs = victim.takeBack(Math.min(h.want, Math.ceil(most / 2)));
      if (gs.length > 0) this.#give(h, gs);
    }
  }

  /** #give answers hungry worker `t`'s ask with the goroutines `gs`. */
  #give(t: Thread, gs: TaskGoroutine[]): void {
    this.#hungry.delete(t);
    t.want = 0;
    const refused = t.run(gs);
    if (refused.length === 0) return;
    this.#active -= refused.length;
    // A microtask later: flush may run inside go() or goThread, which must not see someone else's failure.
    void Promise.resolve().then(() => {
      for (const [g, err] of refused) {
        const api = g.settle === null ? 'go' : 'goThread';
        const why = `${api}: the arguments of task ${g.msg.ref.name} cannot cross threads: ${err.message}`;
        fail(g, new InvalidArgumentError(why));
      }
    });
  }

  #setRef(on: boolean): void {
    if (this.#refed === on) return;
    this.#refed = on;
    for (const t of this.#threads) t.setRef(on);
  }
}

/**
 * deathError is the error of a goroutine lost with its thread. Its stack is where the thread died, not where this
 * error was made: the frames of the uncaught error that killed it, if any (the panic report prints them).
 */
function deathError(why: string, slot: number, code: number, error: unknown): ThreadDiedError {
  const e = new ThreadDiedError(why, slot, code, error);
  const stack = error instanceof Error && typeof error.stack === 'string' ? error.stack : '';
  const frames = stack.split('\n').filter((l) => /^\s+at /.test(l));
  e.stack = [`${e.name}: ${why}`, ...frames].join('\n');
  return e;
}

/** deathMessage says why a worker exited while it should have been running. */
function deathMessage(slot: number, ready: boolean, code: number, error: unknown, stoppedFor: number | null): string {
  if (stoppedFor !== null) return `thread ${slot} was stopped to abandon goroutine ${stoppedFor}`;
  const died = `thread ${slot} died${ready ? '' : ' while starting'}`;
  const e = error as { message?: unknown; code?: unknown } | undefined;
  if (e?.code === 'ERR_WORKER_OUT_OF_MEMORY') return `${died}: out of memory (${String(e.message)})`;
  if (error instanceof Error) return `${died}: uncaught ${error.name}: ${error.message}`;
  if (error !== undefined) return `${died}: uncaught ${panicMessage(error)}`; // a plain object as JSON, as a panic
  return `${died}: exited with code ${code}`;
}
