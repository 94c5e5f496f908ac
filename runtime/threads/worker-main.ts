/**
 * The worker side of the scheduler: a gocsp worker thread runs gocsp's own single-thread runtime and starts each task
 * it is sent as a goroutine, many at once (a batch starts with one go(), its tasks one after the other).
 *
 * Protocol (protocol.ts): the worker asks for up to `want` goroutines, main answers with a batch, the worker starts
 * them and, once its event loop has turned (setImmediate), reports the goroutines that finished and asks again if
 * it has room. Keeping one ask outstanding at most, and reporting from setImmediate, batches both directions: a
 * burst of finishing goroutines is one message, and a worker busy computing asks for nothing. The one exception: a
 * batch of short tasks asks for the next one just before it ends (PREFETCH_US), so the worker does not idle for a
 * round trip between batches.
 *
 * Before starting a goroutine, the worker claims it (protocol.ts, "Claims"): main may have taken it back to give it
 * to an idle worker while this one was busy, and then it is skipped. And before starting a task whose function has
 * not been measured yet or has run long before, the worker reports what already finished: results must not wait in
 * the outbox behind a computation that may take seconds (or never end). A batch that needs task modules not loaded
 * yet waits for them as a whole, and the worker asks for nothing meanwhile, so goroutines start (and claim) in the
 * order they were posted and no more than two batches are ever unclaimed.
 *
 * A task's throw is reported with its outcome (main decides: panic or rejection). A goroutine that the task itself
 * started and that panics is reported as a panic message, with this thread's id for it. Output written with
 * console.log is flushed to the main thread before the report that follows it, so it is not lost if main then exits.
 */
import { go } from '../go.js';
import { InvalidArgumentError } from '../panics.js';
import { setPanicHandler } from '../sched/panic.js';
import { OFF, setLevel, type Level } from '../sched/tracking.js';
import { wokeUp } from '../shared/memory/idle.js';
import { decode, encode, isPlainPrimitive } from './args.js';
import { errorToWire } from './error-wire.js';
import {
  BATCH_MAX,
  CLAIM_FREE,
  CLAIM_POSTED,
  CLAIM_SLOTS,
  FLAG_REPLY,
  FLAG_WIRED,
  PREFETCH_US,
  type FailedMsg,
  type FromWorker,
  type RunMsg,
  type ToWorker,
} from './protocol.js';
import { workerInit } from './slot.js';
import { checkModuleUrl, registeredTask, taskRef } from './task.js';
import { importTaskModule } from './task-module.js';
import { nameTrackedTask, runTrackedTask } from './tracked-task.js';
import { answerMain, drained, publishWorkerIdleness } from './worker-idle.js';
import { adopt } from '../shared/memory/registry.js';
// Shared objects arrive as wire descriptions: load the kinds this runtime defines so decode can rebuild them.
import '../shared/channels/shared-chan.js';
import '../shared/sync/kinds.js';

if (workerInit === null) throw new Error('gocsp: worker-main runs only in a worker started by the scheduler');
const { port, goroutinesPerThread, slot } = workerInit;
/** claims is this worker's claim ring (protocol.ts, "Claims"). */
const claims = new Int32Array(workerInit.claims);
// Join the program's registry in the slot main reserved: shared channels and sync objects work from here on.
adopt(workerInit.registry, false, workerInit.registrySlot);
// Under main(): track goroutines as main does, and publish when this thread sleeps (worker-idle.ts).
const tracked = workerInit.tracking > OFF;
if (tracked) setLevel(workerInit.tracking as Level);

type TaskFn = (...args: unknown[]) => unknown;

/** TaskDef is a task function as RunMsg.defs defined it, and the function once found. */
interface TaskDef {
  readonly url: string;
  readonly name: string;
  fn: TaskFn | null;
  /** us estimates how long the function runs before it returns or first awaits, in us (NaN: never measured). */
  us: number;
}

/** defs holds the task functions by their protocol number. */
const defs = new Map<number, TaskDef>();
/** tasks caches the functions found, by module URL then name. */
const tasks = new Map<string, Map<string, TaskFn>>();
/** This module was loaded through a TypeScript loader (source mode): task modules in TS need nothing more. */
let tsLoader: Promise<void> | null = import.meta.url.endsWith('.ts') ? Promise.resolve() : null;

let running = 0;
let asked = false;
/** unstarted counts the goroutines of the last batch that have not started yet. */
let unstarted = 0;
/** taskUs estimates how long a task runs before it returns or first awaits, in us (NaN: nothing measured yet). */
let taskUs = NaN;
let reportQueued = false;
// The outbox: what finished since the last report, in ReportMsg's columns.
let doneIds: number[] = [];
let doneValues: unknown[] = [];
let doneWired: number[] = [];
let failed: FailedMsg[] = [];

setPanicHandler((e, gid) => post({ t: 'panic', gid, error: errorToWire(e) }));

/**
 * loading is set while a batch waits for task modules to load; batches that arrive meanwhile start after it, since
 * goroutines must claim their words in the order they were posted (protocol.ts, "Claims").
 */
let loading: Promise<void> | null = null;

port.on('message', (m: ToWorker) => {
  if (m.t !== 'run') {
    answerMain(port, m);
    return;
  }
  wokeUp();
  asked = false;
  for (const [key, url, name] of m.defs) defs.set(key, { url, name, fn: null, us: NaN });
  running += m.ids.length;
  const missing = loading === null ? unloaded(m) : [];
  if (loading === null && missing.length === 0) {
    go(startBatch, m, null);
  } else {
    const p: Promise<void> = (loading ?? Promise.resolve())
      .then(() => load(unloaded(m)))
      .then((errors) => {
        if (loading === p) loading = null;
        go(startBatch, m, errors);
        queueReport(); // ask again: asks wait while a batch waits for its modules
      });
    loading = p;
  }
  queueReport();
});
queueReport();
// After the listener, which refs the port.
if (tracked) publishWorkerIdleness(port);

/**
 * startBatch starts the goroutines of a batch one after the other, in one goroutine start (a go() per task costs a
 * microtask hop and a promise each): each task runs until it returns or first awaits, then the next one starts, as
 * separately started goroutines would. runTask never throws: a task's error is its outcome. A goroutine main took
 * back (its claim word not POSTED) is skipped. `errors` holds the task functions whose module failed to load.
 */
function startBatch(m: RunMsg, errors: Map<TaskDef, unknown> | null): void {
  const { seq, ids, fns, args, flags } = m;
  unstarted = ids.length;
  for (let i = 0; i < ids.length; i++) {
    const w = (seq + i) % CLAIM_SLOTS;
    if (Atomics.compareExchange(claims, w, CLAIM_POSTED, CLAIM_FREE) !== CLAIM_POSTED) {
      // Main took it back (STOLEN): it runs elsewhere, or was abandoned. The word is free again.
      Atomics.store(claims, w, CLAIM_FREE);
      running--;
      unstarted--;
      continue;
    }
    const def = defs.get(fns[i]!)!;
    if (def.fn === null) {
      unstarted--;
      ended(ids[i]!, def, flags[i]!, false, errors?.get(def));
      continue;
    }
    runTask(ids[i]!, def, args[i]!, flags[i]!);
  }
}

/** unloaded lists the task functions of batch `m` not found yet. */
function unloaded(m: RunMsg): TaskDef[] {
  const out: TaskDef[] = [];
  let last = -1; // a batch usually runs one task function: look each run of it up once
  for (const key of m.fns) {
    if (key === last) continue;
    last = key;
    const def = defs.get(key)!;
    if (def.fn !== null || (def.fn = tasks.get(def.url)?.get(def.name) ?? null) !== null) continue;
    if (!out.includes(def)) out.push(def);
  }
  return out;
}

/** load finds the task functions `list`, importing their modules; it returns the error of each it could not find. */
async function load(list: readonly TaskDef[]): Promise<Map<TaskDef, unknown>> {
  const errors = new Map<TaskDef, unknown>();
  await Promise.all(
    list.map((def) =>
      findTask(def.url, def.name).then(
        (fn) => {
          def.fn = fn;
        },
        (e: unknown) => {
          errors.set(def, e);
        },
      ),
    ),
  );
  return errors;
}

/**
 * mayRunLong reports what finished so far before a task of `def` starts, if that task may run long: one never
 * measured, or measured longer than PREFETCH_US. A short task's results wait for the next report, in one message.
 */
function mayRunLong(def: TaskDef): void {
  if (!(def.us <= PREFETCH_US) && (doneIds.length > 0 || failed.length > 0)) report(false);
}

/** measured folds a run of `us` microseconds into the estimates of the worker and of `def`. */
function measured(def: TaskDef, us: number): void {
  taskUs = taskUs === taskUs ? taskUs + (us - taskUs) / 8 : us;
  def.us = def.us === def.us ? def.us + (us - def.us) / 8 : us;
}

/** runTask runs one task goroutine; a task that returns at once (not a promise) completes without a microtask. */
function runTask(id: number, def: TaskDef, args: readonly unknown[], flags: number): void {
  // The goroutines of a batch start one after the other: once what is left of the batch should take less than a
  // round trip to main, ask for the next batch, so that it arrives as this one ends rather than a round trip
  // later. Tasks longer than that never ask early, so no goroutine waits long behind a batch held here.
  // A task of a function known to run long (or never measured) does not ask early either: what it would bring
  // could only wait for it, or be taken back.
  if (unstarted > 0 && unstarted-- * taskUs <= PREFETCH_US && def.us <= PREFETCH_US && !asked) ask();
  const fn = def.fn!;
  mayRunLong(def);
  let r: unknown;
  try {
    const t0 = performance.now();
    const a = (flags & FLAG_WIRED) !== 0 ? (decode(args) as unknown[]) : args;
    r = tracked ? runTrackedTask(id, fn, a) : fn(...a);
    measured(def, (performance.now() - t0) * 1000);
  } catch (e) {
    ended(id, def, flags, false, e);
    return;
  }
  if (isThenable(r)) {
    r.then(
      (v) => ended(id, def, flags, true, v),
      (e: unknown) => ended(id, def, flags, false, e),
    );
    if (tracked) nameTrackedTask(r, id);
  } else {
    ended(id, def, flags, true, r);
  }
}

/** ended puts a task goroutine's outcome in the outbox: its result (ok) or its error. */
function ended(id: number, def: TaskDef, flags: number, ok: boolean, value: unknown): void {
  running--;
  queueReport();
  if (!ok) {
    failed.push({ id, error: errorToWire(value) });
    return;
  }
  if ((flags & FLAG_REPLY) === 0) {
    doneIds.push(id);
    doneValues.push(undefined);
    return;
  }
  if (isPlainPrimitive(value)) {
    doneIds.push(id);
    doneValues.push(value);
    return;
  }
  let e: ReturnType<typeof encode>;
  try {
    e = encode(value, `goThread: the result of task ${def.name}`);
  } catch (err) {
    failed.push({ id, error: errorToWire(err) });
    return;
  }
  if (e.wired) doneWired.push(doneIds.length);
  doneIds.push(id);
  doneValues.push(e.value);
}

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return typeof (v as { then?: unknown } | null)?.then === 'function';
}

/**
 * findTask imports a task's module and finds the export carrying its marker. The import runs the module's top level
 * on this thread; it rejects with TaskModuleError if that throws or calls process.exit (task-module.ts).
 */
async function findTask(url: string, name: string): Promise<TaskFn> {
  checkModuleUrl('go', url); // task() checked it; a marker set by hand did not go through task()
  if (/\.[cm]?tsx?$/.test(new URL(url).pathname)) await typescript(url);
  const mod = await importTaskModule(url, slot);
  let found: TaskFn | undefined;
  for (const v of Object.values(mod)) {
    const ref = taskRef(v);
    if (ref?.name !== name) continue;
    found = v as TaskFn;
    if (ref.url === url) break;
  }
  // A bundle exports none of its tasks; its top level, run by this worker, marked them (worker-boot.ts).
  if (found === undefined && workerInit!.bundled) found = registeredTask(url, name) as TaskFn | undefined;
  if (found === undefined) {
    throw new InvalidArgumentError(
      `go: ${url} exports no task ${name} (a task must be exported by the module that calls task(fn), or the one ` +
        'named in task(import.meta.url, fn))',
    );
  }
  let byName = tasks.get(url);
  if (byName === undefined) tasks.set(url, (byName = new Map()));
  byName.set(name, found);
  return found;
}

/** typescript registers tsx, once, so that compiled gocsp can run task modules written in TypeScript. */
function typescript(url: string): Promise<void> {
  tsLoader ??= import('tsx/esm/api').then(
    (m) => {
      m.register();
    },
    (e: unknown) => {
      tsLoader = null;
      throw new InvalidArgumentError(
        `go: task module ${url} is TypeScript: install tsx (an optional peer dependency of gocsp) or compile it ` +
          `(${(e as Error).message})`,
      );
    },
  );
  return tsLoader;
}

function queueReport(): void {
  if (reportQueued) return;
  reportQueued = true;
  setImmediate(report);
}

/** ask asks for more goroutines now, if there is room, with what finished so far. */
function ask(): void {
  if (loading === null && Math.min(BATCH_MAX, goroutinesPerThread - running) > 0) report();
}

/**
 * report sends what finished and, if `mayAsk`, there is room and no ask is outstanding, asks for more (never just
 * before a long task: goroutines sent then would only wait to be taken back).
 */
function report(mayAsk = true): void {
  if (mayAsk) reportQueued = false;
  // No ask while a batch waits for its modules: batches would pile up unclaimed behind it (protocol.ts, "Claims").
  const want = !mayAsk || asked || loading !== null ? 0 : Math.min(BATCH_MAX, goroutinesPerThread - running);
  if (doneIds.length === 0 && failed.length === 0 && want <= 0) return;
  if (process.stdout.writableLength > 0 || process.stderr.writableLength > 0) {
    // Let the output reach the main thread first (its stream is a message port of its own).
    reportQueued = true;
    void drained().then(() => report());
    return;
  }
  const m: FromWorker = { t: 'report', ids: doneIds, values: doneValues, wired: doneWired, failed, want: Math.max(0, want) };
  doneIds = [];
  doneValues = [];
  doneWired = [];
  failed = [];
  if (want > 0) asked = true;
  post(m);
}

/** post sends a message; a result that structured clone refuses becomes that goroutine's error. */
function post(m: FromWorker): void {
  try {
    port.postMessage(m);
  } catch (e) {
    if (!(e instanceof Error && e.name === 'DataCloneError')) throw e;
    if (m.t === 'panic') {
      port.postMessage({ t: 'panic', gid: m.gid, error: { value: `${e.name}: ${e.message}` } } satisfies FromWorker);
      return;
    }
    // Find the culprits: post each result alone.
    const none: [] = [];
    for (let i = 0; i < m.ids.length; i++) {
      const id = m.ids[i]!;
      const wired = m.wired.includes(i) ? [0] : none;
      try {
        port.postMessage({ t: 'report', ids: [id], values: [m.values[i]], wired, failed: none, want: 0 } satisfies FromWorker);
      } catch (e2) {
        const err = new InvalidArgumentError(
          `goThread: the result of goroutine ${id} cannot cross threads: ${(e2 as Error).message}`,
        );
        const f: FailedMsg = { id, error: errorToWire(err) };
        port.postMessage({ t: 'report', ids: none, values: none, wired: none, failed: [f], want: 0 } satisfies FromWorker);
      }
    }
    port.postMessage({ t: 'report', ids: none, values: none, wired: none, failed: m.failed, want: m.want } satisfies FromWorker);
  }
}
