/**
 * WorkerPoolConfig: the options of DynamicWorkerPool and FixedWorkerPool (the seed's fields plus the work itself,
 * the queue and health settings), and their validation. Every bad option is an InvalidArgumentError naming the pool
 * class, the option and the value, thrown by the constructor before anything starts.
 */
import { type Context, InvalidArgumentError } from '../../runtime/index.js';
import { PATTERN_KEYS, type PatternConfig, resolvePatternConfig } from '../core/base-pattern.js';
import { bool, fraction, nonNegativeInt, oneOf, options, positive, positiveInt, show } from '../core/option-checks.js';

/**
 * WorkerFn is I/O-bound work run by a pool worker goroutine on this thread; `ctx` is canceled on timeout, abort or
 * stop.
 *
 * @example
 * const fetchStatus: WorkerFn<string, number> = async (url, ctx) => (await fetch(url, { signal: ctx.signal })).status;
 * const pool = new FixedWorkerPool<string, number>(8, { worker: fetchStatus, taskTimeout: 5 * Second });
 * await pool.stop();
 */
export type WorkerFn<TIn, TOut> = (input: TIn, ctx: Context) => Promise<TOut> | TOut;

/**
 * TaskFn is CPU-bound work: a task (runtime task()) that each pool worker runs on a worker thread with goThread.
 *
 * @example
 * export const fib = task(function fib(n: number): number {
 *   return n < 2 ? n : fib(n - 1) + fib(n - 2);
 * });
 * main(async () => {
 *   const work: TaskFn<number, number> = fib;
 *   const pool = new FixedWorkerPool<number, number>(2, { task: work });
 *   console.log(await pool.submitBatch([10, 20, 25])); // [ 55, 6765, 75025 ], on worker threads
 *   await pool.stop();
 * });
 */
export type TaskFn<TIn, TOut> = (input: TIn) => Promise<TOut> | TOut;

/**
 * OnFull is what submit does when the jobs queue is full: 'wait' for room (backpressure, the default) or 'reject'
 * with PoolFullError.
 *
 * @example
 * const pool = new FixedWorkerPool<Job, void>(4, { worker: run, queueSize: 10, onFull: 'reject' });
 */
export type OnFull = 'wait' | 'reject';
/**
 * LoadBalancing is how a job picks its worker: 'least-loaded' (the default) or 'round-robin'.
 *
 * @example
 * const pool = new FixedWorkerPool<Job, void>(4, { worker: run, loadBalancing: 'round-robin' });
 */
export type LoadBalancing = 'least-loaded' | 'round-robin';

/**
 * WorkerPoolConfig is a worker pool's options (PatternConfig's too); each is optional, with its default given,
 * except the work: a `worker` (an async function on this thread) or a `task` (on worker threads).
 *
 * @example
 * const config: Partial<WorkerPoolConfig<Job, Result>> = { worker: runJob, queueSize: 100, onFull: 'reject', taskTimeout: 30 * Second };
 */
export interface WorkerPoolConfig<TIn = unknown, TOut = unknown> extends PatternConfig {
  /** minWorkers: workers kept however idle (default 1). */
  minWorkers: number;
  /** maxWorkers: ceiling for scaleUp and auto-scaling (default max(minWorkers, 4)). */
  maxWorkers: number;
  /** idleTimeout: ms an idle worker above minWorkers waits for a job before it exits (default 30000; Infinity: never). */
  idleTimeout: number;
  /** taskTimeout: ms one task may run before it fails with TaskTimeoutError (default: `timeout`, Infinity). */
  taskTimeout: number;
  /** enableAutoScaling: a supervisor adds workers while load >= scalingThreshold (default true; Fixed: false). */
  enableAutoScaling: boolean;
  /** scalingThreshold: (busy workers + queued jobs) / workers at which the supervisor adds a worker, in (0, 1] (default 0.8). */
  scalingThreshold: number;
  /** scalingInterval: ms between the supervisor's looks at the load (default 1000). */
  scalingInterval: number;
  /** worker: the work, run on this thread (exactly one of worker and task). */
  worker: WorkerFn<TIn, TOut>;
  /** task: the work as a task, run on worker threads (exactly one of worker and task). */
  task: TaskFn<TIn, TOut>;
  /** queueSize: jobs waiting for a worker before onFull applies (default 1024; 0: a job waits for an idle worker). */
  queueSize: number;
  /** onFull: what submit does on a full queue: 'wait' for room (default) or 'reject' with PoolFullError. */
  onFull: OnFull;
  /** loadBalancing: 'least-loaded' (default: idle workers take from one shared queue) or 'round-robin'. */
  loadBalancing: LoadBalancing;
  /** heartbeatInterval: ms between an idle worker's heartbeats (default 1000). */
  heartbeatInterval: number;
  /** stuckAfter: ms a worker may go without a heartbeat (one job's run) before it is reported stuck (default 60000). */
  stuckAfter: number;
  /**
   * priorities: queue jobs by the `priority` given to submit, enqueue and map (higher first, FIFO within a
   * priority) instead of first come first served (default false). Requires queueSize >= 1 and 'least-loaded'.
   */
  priorities: boolean;
}

/** ResolvedPoolConfig is a validated config with every default filled in. */
export interface ResolvedPoolConfig<TIn, TOut> extends WorkerPoolConfig<TIn, TOut> {
  /** mode says which of worker and task was given. */
  readonly mode: 'worker' | 'task';
}

const TASK = Symbol.for('gocsp.task');

/** POOL_KEYS are the keys of WorkerPoolConfig. */
export const POOL_KEYS: readonly string[] = Object.freeze([
  ...PATTERN_KEYS,
  'minWorkers',
  'maxWorkers',
  'idleTimeout',
  'taskTimeout',
  'enableAutoScaling',
  'scalingThreshold',
  'scalingInterval',
  'worker',
  'task',
  'queueSize',
  'onFull',
  'loadBalancing',
  'heartbeatInterval',
  'stuckAfter',
  'priorities',
]);

function durationOrInfinity(owner: string, option: string, v: unknown): number {
  return v === Infinity ? Infinity : positive(owner, option, v);
}

/** resolvePoolConfig validates `c` for the pool class `owner` and fills in the defaults. */
export function resolvePoolConfig<TIn, TOut>(
  owner: string,
  c: Partial<WorkerPoolConfig<TIn, TOut>> | undefined,
): ResolvedPoolConfig<TIn, TOut> {
  const o = options(owner, c, POOL_KEYS);
  const base = resolvePatternConfig(owner, o, POOL_KEYS);
  const minWorkers = nonNegativeInt(owner, 'minWorkers', o.minWorkers ?? 1);
  const maxWorkers = positiveInt(owner, 'maxWorkers', o.maxWorkers ?? Math.max(minWorkers, 4));
  if (maxWorkers < minWorkers) {
    throw new InvalidArgumentError(`${owner}: maxWorkers must be >= minWorkers (${minWorkers}), got ${maxWorkers}`);
  }
  const hasWorker = o.worker !== undefined;
  const hasTask = o.task !== undefined;
  if (hasWorker === hasTask) {
    throw new InvalidArgumentError(`${owner}: exactly one of worker and task must be given, got ${hasWorker ? 'both' : 'neither'}`);
  }
  if (hasWorker && typeof o.worker !== 'function') {
    throw new InvalidArgumentError(`${owner}: worker must be a function, got ${show(o.worker)}`);
  }
  if (hasTask && (typeof o.task !== 'function' || !(TASK in o.task))) {
    throw new InvalidArgumentError(
      `${owner}: task must be a task (made with task(import.meta.url, fn)), got ${show(o.task)}`,
    );
  }
  const priorities = bool(owner, 'priorities', o.priorities ?? false);
  const queueSize = nonNegativeInt(owner, 'queueSize', o.queueSize ?? 1024);
  const loadBalancing = oneOf(owner, 'loadBalancing', ['least-loaded', 'round-robin'] as const, o.loadBalancing ?? 'least-loaded');
  if (priorities && queueSize === 0) {
    throw new InvalidArgumentError(`${owner}: priorities need a queue: queueSize must be >= 1, got 0`);
  }
  if (priorities && loadBalancing === 'round-robin') {
    throw new InvalidArgumentError(`${owner}: priorities need loadBalancing 'least-loaded', got 'round-robin'`);
  }
  const threshold = fraction(owner, 'scalingThreshold', o.scalingThreshold ?? 0.8);
  if (threshold === 0) throw new InvalidArgumentError(`${owner}: scalingThreshold must be > 0, got 0`);
  return {
    ...base,
    minWorkers,
    maxWorkers,
    idleTimeout: durationOrInfinity(owner, 'idleTimeout', o.idleTimeout ?? 30_000),
    taskTimeout: durationOrInfinity(owner, 'taskTimeout', o.taskTimeout ?? base.timeout),
    enableAutoScaling: bool(owner, 'enableAutoScaling', o.enableAutoScaling ?? true),
    scalingThreshold: threshold,
    scalingInterval: positive(owner, 'scalingInterval', o.scalingInterval ?? 1000),
    worker: o.worker ?? unused,
    task: o.task ?? unused,
    mode: hasWorker ? 'worker' : 'task',
    queueSize,
    onFull: oneOf(owner, 'onFull', ['wait', 'reject'] as const, o.onFull ?? 'wait'),
    loadBalancing,
    heartbeatInterval: positive(owner, 'heartbeatInterval', o.heartbeatInterval ?? 1000),
    stuckAfter: positive(owner, 'stuckAfter', o.stuckAfter ?? 60_000),
    priorities,
  };
}

function unused(): never {
  throw new Error('worker-pools: unreachable');
}
