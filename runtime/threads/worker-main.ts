/**
 * The worker side of the scheduler: a gocsp worker thread runs gocsp's own single-thread runtime and starts each task
 * it is sent as a goroutine with go(), many at once.
 *
 * Protocol (protocol.ts): the worker asks for up to `want` goroutines, main answers with a batch, the worker starts
 * them and, once its event loop has turned (setImmediate), reports the goroutines that finished and asks again if
 * it has room. Keeping one ask outstanding at most, and reporting from setImmediate, batches both directions: a
 * burst of finishing goroutines is one message, and a worker busy computing asks for nothing.
 *
 * A task's throw is reported with its outcome (main decides: panic or rejection). A goroutine that the task itself
 * started and that panics is reported as a panic message, with this thread's id for it. Output written with
 * console.log is flushed to the main thread before the report that follows it, so it is not lost if main then exits.
 */
import { go } from '../go.js';
import { InvalidArgumentError } from '../errors.js';
import { setPanicHandler } from '../sched/panic.js';
import { decode, encode } from './args.js';
import { errorToWire } from './error-wire.js';
import { BATCH_MAX, type DoneMsg, type FromWorker, type RunMsg, type TaskMsg } from './protocol.js';
import { workerInit } from './slot.js';
import { taskRef } from './task.js';
import { adopt } from '../shared/registry.js';
// Shared objects arrive as wire descriptions: load the kinds this runtime defines so decode can rebuild them.
import '../shared/shared-chan.js';
import '../shared/sync/kinds.js';

if (workerInit === null) throw new Error('gocsp: worker-main runs only in a worker started by the scheduler');
const { port, goroutinesPerThread } = workerInit;
// Join the program's registry in the slot main reserved: shared channels and sync objects work from here on.
adopt(workerInit.registry, false, workerInit.registrySlot);

type TaskFn = (...args: unknown[]) => unknown;

/** tasks caches the functions found, by module URL then name. */
const tasks = new Map<string, Map<string, TaskFn>>();
/** This module was loaded through a TypeScript loader (source mode): task modules in TS need nothing more. */
let tsLoader: Promise<void> | null = import.meta.url.endsWith('.ts') ? Promise.resolve() : null;

let running = 0;
let asked = false;
let outbox: DoneMsg[] = [];
let reportQueued = false;

setPanicHandler((e, gid) => post({ t: 'panic', gid, error: errorToWire(e) }));

port.on('message', (m: RunMsg) => {
  asked = false;
  for (const t of m.tasks) {
    running++;
    go(runTask, t);
  }
  queueReport();
});
queueReport();

async function runTask(m: TaskMsg): Promise<void> {
  let done: DoneMsg;
  try {
    const fn = tasks.get(m.url)?.get(m.name) ?? (await findTask(m.url, m.name));
    const args = (m.wired ? decode(m.args) : m.args) as unknown[];
    const value = await fn(...args);
    if (m.reply) {
      const r = encode(value, `goThread: the result of task ${m.name}`);
      done = r.wired ? { id: m.id, ok: true, value: r.value, wired: true } : { id: m.id, ok: true, value: r.value };
    } else {
      done = { id: m.id, ok: true };
    }
  } catch (e) {
    done = { id: m.id, ok: false, error: errorToWire(e) };
  }
  running--;
  outbox.push(done);
  queueReport();
}

/** findTask imports a task's module and finds the export carrying its marker. */
async function findTask(url: string, name: string): Promise<TaskFn> {
  if (/\.[cm]?tsx?$/.test(new URL(url).pathname)) await typescript(url);
  const mod = (await import(url)) as Record<string, unknown>;
  let found: TaskFn | undefined;
  for (const v of Object.values(mod)) {
    const ref = taskRef(v);
    if (ref?.name !== name) continue;
    found = v as TaskFn;
    if (ref.url === url) break;
  }
  if (found === undefined) {
    throw new InvalidArgumentError(
      `go: ${url} exports no task ${name} (a task must be exported by the module named in task(import.meta.url, fn))`,
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

/** report sends what finished and, if there is room and no ask is outstanding, asks for more. */
function report(): void {
  reportQueued = false;
  const want = asked ? 0 : Math.min(BATCH_MAX, goroutinesPerThread - running);
  if (outbox.length === 0 && want <= 0) return;
  if (process.stdout.writableLength > 0 || process.stderr.writableLength > 0) {
    // Let the output reach the main thread first (its stream is a message port of its own).
    reportQueued = true;
    void drained().then(report);
    return;
  }
  const done = outbox;
  outbox = [];
  if (want > 0) asked = true;
  post({ t: 'report', done, want: Math.max(0, want) });
}

function drained(): Promise<void> {
  return Promise.all(
    [process.stdout, process.stderr].map(
      (s) => new Promise<void>((resolve) => (s.writableLength > 0 ? s.write('', () => resolve()) : resolve())),
    ),
  ).then(() => undefined);
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
    for (const d of m.done) {
      try {
        port.postMessage({ t: 'report', done: [d], want: 0 } satisfies FromWorker);
      } catch (e2) {
        const err = new InvalidArgumentError(
          `goThread: the result of goroutine ${d.id} cannot cross threads: ${(e2 as Error).message}`,
        );
        const failed: FromWorker = { t: 'report', done: [{ id: d.id, ok: false, error: errorToWire(err) }], want: 0 };
        port.postMessage(failed);
      }
    }
    if (m.want > 0) port.postMessage({ t: 'report', done: [], want: m.want } satisfies FromWorker);
  }
}
