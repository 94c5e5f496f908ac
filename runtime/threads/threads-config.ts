/**
 * The scheduler's options, with their defaults, and their validation.
 */
import { availableParallelism } from 'node:os';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ResourceLimits } from 'node:worker_threads';
import { InvalidArgumentError } from '../panics.js';
import { MAX_THREADS } from '../shared/memory/registry.js';
import { checkOptions, describe } from '../validate.js';

/**
 * ThreadsOptions configure the scheduler (configureThreads).
 *
 * @example
 * const options: ThreadsOptions = { threads: 2, goroutinesPerThread: 4, resourceLimits: { maxOldGenerationSizeMb: 256 } };
 * configureThreads(options); // before the first task goroutine
 */
export interface ThreadsOptions {
  /**
   * threads is how many worker threads run task goroutines, from 1 to 63 (MAX_WORKERS: 64 threads at once in a
   * program, the main thread included). Default: os.availableParallelism(), at most 63.
   */
  readonly threads?: number;
  /**
   * goroutinesPerThread caps how many task goroutines run at once on one worker; more wait in the run queue.
   * Default: Infinity (no cap, as in Go; a cap can deadlock goroutines that wait for queued ones).
   */
  readonly goroutinesPerThread?: number;
  /** resourceLimits are passed to each Worker (maxOldGenerationSizeMb, ...). Default: none (Node's defaults). */
  readonly resourceLimits?: ResourceLimits;
  /**
   * workerEntry is the file a worker thread starts with, as a file: URL or a path: the program itself, bundled
   * (esbuild, Rollup, Vite), whose copy of gocsp then runs the worker side. Default: gocsp's own worker entry
   * (worker-entry.mjs, next to the runtime), or, when that file is not there because gocsp was bundled into the
   * program, the bundle file that holds gocsp's code. Set it when that guess is wrong (the runtime landed in a chunk
   * of its own).
   *
   * @example
   * configureThreads({ workerEntry: import.meta.url }); // in the bundle's entry module
   */
  readonly workerEntry?: string | URL;
}

/** ThreadsConfig is the options with every default applied. */
export interface ThreadsConfig {
  readonly threads: number;
  readonly goroutinesPerThread: number;
  readonly resourceLimits: ResourceLimits | undefined;
  /** workerEntry is the file the workers start with when it is not gocsp's worker-entry.mjs, else null. */
  readonly workerEntry: URL | null;
}

/**
 * MAX_WORKERS bounds `threads`: the thread registry has MAX_THREADS (64) slots for the threads that run at once, the
 * main thread's included, so at most 63 workers can start (more used to start 63 silently).
 */
export const MAX_WORKERS = MAX_THREADS - 1;

/** OPTIONS are the keys of ThreadsOptions. */
const OPTIONS = ['threads', 'goroutinesPerThread', 'resourceLimits', 'workerEntry'];

/** LIMITS are the keys of Node's Worker resourceLimits. */
const LIMITS = new Set(['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'codeRangeSizeMb', 'stackSizeMb']);

/** defaultConfig is the configuration when configureThreads was never called. */
export function defaultConfig(): ThreadsConfig {
  return {
    threads: Math.min(availableParallelism(), MAX_WORKERS),
    goroutinesPerThread: Infinity,
    resourceLimits: undefined,
    workerEntry: null,
  };
}

/** resolveConfig validates `o` and applies the defaults; it throws InvalidArgumentError naming a bad option. */
export function resolveConfig(o: ThreadsOptions): ThreadsConfig {
  if (typeof o !== 'object' || o === null) {
    throw new InvalidArgumentError(`configureThreads: options must be an object, got ${describe(o)}`);
  }
  checkOptions('configureThreads', o, OPTIONS);
  const d = defaultConfig();
  const threads = o.threads ?? d.threads;
  if (!Number.isSafeInteger(threads) || threads < 1 || threads > MAX_WORKERS) {
    throw new InvalidArgumentError(
      `configureThreads: threads must be an integer from 1 to ${MAX_WORKERS}, got ${describe(o.threads)}`,
    );
  }
  const gpt = o.goroutinesPerThread ?? d.goroutinesPerThread;
  if (typeof gpt !== 'number' || !(gpt === Infinity || (Number.isSafeInteger(gpt) && gpt >= 1))) {
    throw new InvalidArgumentError(
      'configureThreads: goroutinesPerThread must be an integer >= 1 or Infinity, got ' +
        describe(o.goroutinesPerThread),
    );
  }
  const limits = o.resourceLimits;
  if (limits !== undefined && (typeof limits !== 'object' || limits === null)) {
    throw new InvalidArgumentError(`configureThreads: resourceLimits must be an object, got ${describe(limits)}`);
  }
  for (const [k, v] of Object.entries(limits ?? {})) {
    if (!LIMITS.has(k)) {
      throw new InvalidArgumentError(`configureThreads: resourceLimits.${k} is not a Worker resource limit`);
    }
    if (v !== undefined && (typeof v !== 'number' || !Number.isFinite(v) || v <= 0)) {
      throw new InvalidArgumentError(
        `configureThreads: resourceLimits.${k} must be a positive number, got ${describe(v)}`,
      );
    }
  }
  return { threads, goroutinesPerThread: gpt, resourceLimits: limits, workerEntry: entryUrl(o.workerEntry) };
}

/** entryUrl validates the workerEntry option: a file: URL (a string or a URL) or a path, made a file: URL. */
function entryUrl(v: unknown): URL | null {
  if (v === undefined) return null;
  let url: URL | null = null;
  if (v instanceof URL) url = v;
  else if (typeof v === 'string' && v.startsWith('file:') && URL.canParse(v)) url = new URL(v);
  else if (typeof v === 'string' && (isAbsolute(v) || v.startsWith('.'))) url = pathToFileURL(v);
  if (url === null || url.protocol !== 'file:') {
    throw new InvalidArgumentError(`configureThreads: workerEntry must be a file: URL or a path, got ${describe(v)}`);
  }
  return url;
}
