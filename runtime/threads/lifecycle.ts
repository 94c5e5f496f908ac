/**
 * The scheduler's lifecycle: configureThreads, the lazy start, and shutdownThreads.
 *
 * Importing gocsp loads none of the pool: its module (and node:worker_threads' Worker) is imported at the first task
 * goroutine, and workers start then. Goroutines submitted while the module loads wait in `early`, in order.
 */
import { InvalidArgumentError } from '../errors.js';
import { defaultConfig, resolveConfig, type ThreadsConfig, type ThreadsOptions } from './config.js';
import { fail, type Job } from './job.js';
import type { ThreadPool } from './pool.js';
import type { Thread } from './thread.js';

let config: ThreadsConfig | null = null;
let pool: ThreadPool | null = null;
let poolModule: typeof import('./pool.js') | null = null;
let loading: Promise<void> | null = null;
let early: Job[] = [];

/**
 * configureThreads sets how the scheduler runs task goroutines; call it before the first one (or after
 * shutdownThreads). Options and defaults:
 * - `threads`: worker threads, from 1 to 63 (64 threads at once in a program, main included), default
 *   os.availableParallelism() (at most 63);
 * - `goroutinesPerThread`: task goroutines running at once per worker, default Infinity (no cap);
 * - `resourceLimits`: Node's Worker resourceLimits, default none.
 *
 * It throws InvalidArgumentError naming a bad option or an unknown one, or if threads are running.
 *
 * @example
 * configureThreads({ threads: 4, resourceLimits: { maxOldGenerationSizeMb: 512 } });
 */
export function configureThreads(options: ThreadsOptions): void {
  const c = resolveConfig(options);
  if (pool !== null || loading !== null) {
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
  const p = pool;
  pool = null;
  loading = null;
  if (p !== null) await p.shutdown();
}

/** submit hands a task goroutine to the pool, starting it if needed. */
export function submit(job: Job): void {
  if (pool !== null) {
    pool.submit(job);
    return;
  }
  if (poolModule !== null) {
    pool = new poolModule.ThreadPool(config ?? defaultConfig());
    pool.submit(job);
    return;
  }
  early.push(job);
  loading ??= import('./pool.js').then(
    (m) => {
      poolModule = m;
      const jobs = early;
      early = [];
      loading = null;
      pool = new m.ThreadPool(config ?? defaultConfig());
      for (const j of jobs) pool.submit(j);
    },
    (e: unknown) => {
      const jobs = early;
      early = [];
      loading = null;
      for (const j of jobs) fail(j, e);
    },
  );
}

/**
 * abandon ends task goroutine `job` with `reason` unless it has ended: dropped if it waits for the pool or a worker,
 * failed at once and its worker terminated if it runs (see ThreadPool.abandon). It reports whether it was found.
 */
export function abandon(job: Job, reason: unknown): boolean {
  const i = early.indexOf(job);
  if (i >= 0) {
    early.splice(i, 1);
    fail(job, reason);
    return true;
  }
  return pool?.abandon(job, reason) ?? false;
}

/** runningThreads is how many worker threads are running (0 before the first task and after shutdown). */
export function runningThreads(): number {
  return pool?.threads ?? 0;
}

/**
 * poolView is what the deadlock check and goroutine dumps see of the scheduler: its worker threads, and whether
 * goroutines wait for a worker (queued, submitted while the pool loads, or posted to a worker that has not started
 * them yet: a batch in flight wakes its worker), which counts as awake.
 */
export function poolView(): { readonly workers: readonly Thread[]; readonly waiting: boolean } {
  const workers = pool?.workers ?? [];
  return {
    workers,
    waiting: loading !== null || early.length > 0 || (pool?.queued ?? 0) > 0 || workers.some((t) => t.unstarted() > 0),
  };
}
