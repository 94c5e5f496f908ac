/**
 * The scheduler's lifecycle: configureThreads, the lazy start, and shutdownThreads.
 *
 * Importing gocsp loads none of the scheduler: its module (and node:worker_threads' Worker) is imported at the first
 * task goroutine, and workers start then. Goroutines submitted while the module loads wait in `early`, in order.
 */
import { InvalidArgumentError } from '../panics.js';
import { defaultConfig, resolveConfig, type ThreadsConfig, type ThreadsOptions } from './threads-config.js';
import { fail, type TaskGoroutine } from './task-goroutine.js';
import type { Scheduler } from './scheduler.js';
import type { Thread } from './thread.js';

let config: ThreadsConfig | null = null;
let scheduler: Scheduler | null = null;
let schedulerModule: typeof import('./scheduler.js') | null = null;
let loading: Promise<void> | null = null;
let early: TaskGoroutine[] = [];

/**
 * configureThreads sets how the scheduler runs task goroutines; call it before the first one (or after
 * shutdownThreads). Options and defaults:
 * - `threads`: worker threads, from 1 to 63 (64 threads at once in a program, main included), default
 *   os.availableParallelism() (at most 63);
 * - `goroutinesPerThread`: task goroutines running at once per worker, default Infinity (no cap);
 * - `resourceLimits`: Node's Worker resourceLimits, default none;
 * - `workerEntry`: the file workers start with (a bundled program's entry), default gocsp's worker-entry.mjs, or
 *   the bundle holding gocsp's code when that file is not there (docs/threads.md, "Bundlers").
 *
 * It throws InvalidArgumentError naming a bad option or an unknown one, or if threads are running.
 *
 * @example
 * configureThreads({ threads: 4, resourceLimits: { maxOldGenerationSizeMb: 512 } });
 */
export function configureThreads(options: ThreadsOptions): void {
  const c = resolveConfig(options);
  if (scheduler !== null || loading !== null) {
    throw new InvalidArgumentError('configureThreads: threads are running; call shutdownThreads() first');
  }
  config = c;
}

/**
 * shutdownThreads stops every worker thread and resolves once they have exited. Task goroutines still queued or
 * running are abandoned: a `goThread` promise rejects with ThreadDiedError, a `go` goroutine ends silently (as Go
 * abandons goroutines when main returns). The next task goroutine starts a fresh set of workers.
 *
 * An idle scheduler never keeps the process alive, so a program need not call it; tests and servers shutting down do.
 *
 * @example
 * afterEach(() => shutdownThreads());
 */
export async function shutdownThreads(): Promise<void> {
  if (loading !== null) await loading;
  const p = scheduler;
  scheduler = null;
  loading = null;
  if (p !== null) await p.shutdown();
}

/** submit hands a task goroutine to the scheduler, starting it if needed. */
export function submit(g: TaskGoroutine): void {
  if (scheduler !== null) {
    scheduler.submit(g);
    return;
  }
  if (schedulerModule !== null) {
    scheduler = new schedulerModule.Scheduler(config ?? defaultConfig());
    scheduler.submit(g);
    return;
  }
  early.push(g);
  loading ??= import('./scheduler.js').then(
    (m) => {
      schedulerModule = m;
      const gs = early;
      early = [];
      loading = null;
      scheduler = new m.Scheduler(config ?? defaultConfig());
      for (const j of gs) scheduler.submit(j);
    },
    (e: unknown) => {
      const gs = early;
      early = [];
      loading = null;
      for (const j of gs) fail(j, e);
    },
  );
}

/**
 * abandon ends task goroutine `g` with `reason` unless it has ended: dropped if it waits for the scheduler or a worker,
 * failed at once and its worker terminated if it runs (see Scheduler.abandon). It reports whether it was found.
 */
export function abandon(g: TaskGoroutine, reason: unknown): boolean {
  const i = early.indexOf(g);
  if (i >= 0) {
    early.splice(i, 1);
    fail(g, reason);
    return true;
  }
  return scheduler?.abandon(g, reason) ?? false;
}

/** runningThreads is how many worker threads are running (0 before the first task and after shutdown). */
export function runningThreads(): number {
  return scheduler?.threads ?? 0;
}

/**
 * schedulerView is what the deadlock check and goroutine dumps see of the scheduler: its worker threads, and whether
 * goroutines wait for a worker (queued, submitted while the scheduler loads, or posted to a worker that has not
 * started them yet: a batch in flight wakes its worker), which counts as awake.
 */
export function schedulerView(): { readonly workers: readonly Thread[]; readonly waiting: boolean } {
  const workers = scheduler?.workers ?? [];
  return {
    workers,
    waiting: loading !== null || early.length > 0 || (scheduler?.queued ?? 0) > 0 || workers.some((t) => t.unstarted() > 0),
  };
}
