/**
 * Thread is one worker thread of the scheduler, seen from the main thread: the Worker, the MessagePort of the protocol
 * (protocol.ts), and the goroutines running on it, with the claim ring that says which of them have started.
 *
 * The worker and its port are ref'd only while the scheduler has goroutines queued or running (the scheduler
 * decides), so an idle scheduler never keeps the process alive; under main() they never are (main() keeps the
 * program alive while a thread may still wake another: threads/deadlock.ts). 'error' (an uncaught throw in the
 * worker, or running out of memory) is always followed by 'exit'; the scheduler is told once, at 'exit', with the
 * error if there was one.
 */
import { existsSync } from 'node:fs';
import { MessageChannel, type MessagePort, Worker, type WorkerOptions } from 'node:worker_threads';
import { markDead, registry, reserveSlot } from '../shared/memory/registry.js';
import { publishing, wokeUp } from '../shared/memory/idle.js';
import { level } from '../sched/tracking.js';
import { answered, isAnswer } from './answers.js';
import { ClaimRing } from './claim-ring.js';
import type { ThreadsConfig } from './threads-config.js';
import type { TaskGoroutine } from './task-goroutine.js';
import {
  FLAG_REPLY,
  FLAG_WIRED,
  WORKER_KIND,
  type AnswerMsg,
  type DumpMsg,
  type FromWorker,
  type ProbeMsg,
  type RunMsg,
  type TaskRef,
  type WorkerInit,
} from './protocol.js';

/** ThreadEvents is how a Thread reports to its scheduler. */
export interface ThreadEvents {
  message(t: Thread, m: FromWorker): void;
  exit(t: Thread, code: number, error: unknown): void;
}

/** ENTRY is the worker's entry file: a plain .mjs, runnable with no loader (see worker-entry.mjs). */
const ENTRY = new URL('./worker-entry.mjs', import.meta.url);

/**
 * entryOf is the file a worker starts with, and whether it is the program itself (bundled): the configured
 * workerEntry; else gocsp's worker-entry.mjs; else, when that file is not next to this code because a bundler put
 * gocsp into the program's bundle, the bundle file holding this code (see worker-boot.ts). It is looked up once.
 */
function entryOf(config: ThreadsConfig): [entry: URL, bundled: boolean] {
  if (config.workerEntry !== null) return [config.workerEntry, true];
  bundleEntry ??= existsSync(ENTRY) ? null : new URL(import.meta.url);
  return bundleEntry === null ? [ENTRY, false] : [bundleEntry, true];
}
let bundleEntry: URL | null | undefined;

export class Thread {
  readonly slot: number;
  /** registrySlot is the worker's slot in the thread registry (shared/registry.ts). */
  readonly registrySlot: number;
  /** inflight holds the goroutines sent to the worker and not yet reported, by goroutine id. */
  readonly inflight = new Map<number, TaskGoroutine>();
  /** want is how many goroutines the worker's outstanding ask is for; 0 when it has none (scheduler-owned). */
  want = 0;
  /** ready is set by the worker's first message: it loaded the runtime. */
  ready = false;
  /**
   * stoppedFor is the goroutine whose abandonment made the scheduler terminate this worker (see stop), or null. A
   * stopping worker is given no more goroutines; its exit is reported as a death, as any exit while the scheduler runs.
   */
  stoppedFor: number | null = null;
  readonly #worker: Worker;
  readonly #port: MessagePort;
  readonly #portClosed: Promise<void>;
  #error: unknown = undefined;
  #refed = true;
  /** #claims holds the goroutines posted to the worker that it may not have started (claim-ring.ts). */
  readonly #claims = new ClaimRing<TaskGoroutine>();
  /** #defined holds the task functions (taskKey) this worker has been sent a definition of. */
  readonly #defined = new Set<number>();

  constructor(slot: number, config: ThreadsConfig, events: ThreadEvents) {
    this.slot = slot;
    const { port1, port2 } = new MessageChannel();
    const registrySlot = reserveSlot();
    this.registrySlot = registrySlot;
    const [entry, bundled] = entryOf(config);
    const init: WorkerInit = {
      kind: WORKER_KIND,
      slot,
      port: port2,
      goroutinesPerThread: config.goroutinesPerThread,
      registry: registry(),
      registrySlot,
      claims: this.#claims.buffer,
      tracking: level,
      bundled,
    };
    this.#worker = startWorker(entry, {
      workerData: init,
      transferList: [port2],
      ...(config.resourceLimits !== undefined ? { resourceLimits: config.resourceLimits } : {}),
    });
    this.#port = port1;
    this.#portClosed = new Promise<void>((resolve) => port1.once('close', () => resolve()));
    port1.on('message', (m: FromWorker | AnswerMsg) => {
      this.ready = true;
      if (isAnswer(m)) {
        answered(slot, m);
        return;
      }
      wokeUp(); // under main(): what the worker reports may wake goroutines here
      events.message(this, m);
    });
    this.#worker.on('error', (e: unknown) => {
      this.#error ??= e;
    });
    if (publishing) this.setRef(false);
    this.#worker.on('exit', (code: number) => {
      // Its slot's locks can now be taken over, its offers are ignored, and the slot can be reused.
      markDead(registrySlot);
      port1.close();
      events.exit(this, code, this.#error);
    });
  }

  /**
   * run posts a batch of goroutines to the worker. It returns the goroutines that could not be posted (a value the
   * argument check let through but structured clone refused), each with the DataCloneError.
   */
  run(gs: readonly TaskGoroutine[]): [TaskGoroutine, Error][] {
    const refused: [TaskGoroutine, Error][] = [];
    try {
      this.#post(gs);
      for (const j of gs) this.inflight.set(j.msg.id, j);
    } catch (e) {
      if (!isDataCloneError(e)) throw e;
      // Find the culprits: post one at a time.
      for (const j of gs) {
        try {
          this.#post([j]);
          this.inflight.set(j.msg.id, j);
        } catch (e2) {
          if (!isDataCloneError(e2)) throw e2;
          refused.push([j, e2 as Error]);
        }
      }
    }
    return refused;
  }

  /**
   * unstarted is how many goroutines posted to the worker it has not started yet: held behind the one it runs, or
   * still in its port.
   */
  unstarted(): number {
    return this.#claims.unstarted();
  }

  /**
   * takeBack takes up to `max` goroutines the worker has not started (the newest first) away from it: they will not
   * start there. It returns them in the order they were posted; they are no longer in inflight.
   */
  takeBack(max: number): TaskGoroutine[] {
    const gs = this.#claims.takeBack(max);
    for (const j of gs) this.inflight.delete(j.msg.id);
    return gs;
  }

  /** takeBackGoroutine takes `g` away from the worker if it has not started it; it reports whether it did. */
  takeBackGoroutine(g: TaskGoroutine): boolean {
    if (!this.#claims.takeBackItem(g)) return false;
    this.inflight.delete(g.msg.id);
    return true;
  }

  /** #post posts a batch; if it is refused, its claim words and the definitions it carried count as never sent. */
  #post(gs: readonly TaskGoroutine[]): void {
    const seq = this.#claims.post(gs);
    const m = this.#batch(seq, gs);
    try {
      this.#port.postMessage(m);
    } catch (e) {
      this.#claims.unpost(gs.length);
      for (const [key] of m.defs) this.#defined.delete(key);
      throw e;
    }
  }

  /** #batch lays the goroutines `gs` out in columns (protocol.ts RunMsg), defining the task functions new to this worker. */
  #batch(seq: number, gs: readonly TaskGoroutine[]): RunMsg {
    const n = gs.length;
    const defs: [number, string, string][] = [];
    const ids = new Array<number>(n);
    const fns = new Array<number>(n);
    const args = new Array<readonly unknown[]>(n);
    const flags = new Array<number>(n);
    let ref: TaskRef | null = null; // the task function of the previous goroutine (a batch usually has one)
    let key = 0;
    for (let i = 0; i < n; i++) {
      const m = gs[i]!.msg;
      if (m.ref !== ref) {
        ref = m.ref;
        key = taskKey(ref);
        if (!this.#defined.has(key)) {
          this.#defined.add(key);
          defs.push([key, ref.url, ref.name]);
        }
      }
      ids[i] = m.id;
      fns[i] = key;
      args[i] = m.args;
      flags[i] = (m.wired ? FLAG_WIRED : 0) | (m.reply ? FLAG_REPLY : 0);
    }
    return { t: 'run', seq, defs, ids, fns, args, flags };
  }

  /** ask posts a question of main's (an idleness probe, a dump request) to the worker. */
  ask(m: ProbeMsg | DumpMsg): void {
    this.#port.postMessage(m);
  }

  /** setRef makes the worker and its port keep the process alive (true) or not (false; always under main()). */
  setRef(on: boolean): void {
    on &&= !publishing;
    if (this.#refed === on) return;
    this.#refed = on;
    if (on) {
      this.#worker.ref();
      this.#port.ref();
    } else {
      this.#worker.unref();
      this.#port.unref();
    }
  }

  /**
   * stop terminates the worker to abandon goroutine `gid` running on it (terminate interrupts even a busy loop). It
   * does not wait: the worker's 'exit' follows, and the scheduler handles it as a death (replacement, ThreadDiedError for
   * the goroutines still on it, the registry slot marked dead).
   */
  stop(gid: number): void {
    if (this.stoppedFor !== null) return;
    this.stoppedFor = gid;
    void this.#worker.terminate();
  }

  /**
   * terminate stops the worker at once (goroutines running on it are abandoned) and resolves once it exited and
   * its port is closed: nothing of it is left.
   */
  async terminate(): Promise<void> {
    this.setRef(false);
    this.#port.close();
    await Promise.all([this.#worker.terminate(), this.#portClosed]);
  }
}

/**
 * startWorker starts the entry with `options`. A worker inherits the main thread's execArgv; when that holds flags
 * about the main entry point they are left out, and so are the process-wide flags that Node refuses in a worker's
 * own execArgv (`--expose-gc`, `--max-old-space-size`: V8 applies them to the whole process anyway).
 */
function startWorker(entry: URL, options: WorkerOptions): Worker {
  const execArgv = workerExecArgv(process.execArgv);
  if (execArgv.length === process.execArgv.length) return new Worker(entry, options);
  try {
    return new Worker(entry, { ...options, execArgv });
  } catch (e) {
    if ((e as { code?: unknown }).code !== 'ERR_WORKER_INVALID_EXEC_ARGV') throw e;
    // "Initiated Worker with invalid execArgv flags: --expose-gc, --stack-size=2000"
    const refused = new Set((e as Error).message.slice((e as Error).message.indexOf(': ') + 2).split(', '));
    return new Worker(entry, { ...options, execArgv: execArgv.filter((a) => !refused.has(a)) });
  }
}

/**
 * workerExecArgv is the main thread's execArgv without the flags about its entry point, which a worker inherits by
 * default and which stop it from starting (`--input-type` with a file entry: ERR_INPUT_TYPE_NOT_ALLOWED).
 */
export function workerExecArgv(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const name = a.split('=', 1)[0]!;
    if (!ENTRY_FLAGS.has(name)) {
      out.push(a);
    } else if (!a.includes('=') && ENTRY_FLAGS.get(name) === true) {
      i++; // the flag's value is the next argument
    }
  }
  return out;
}

/** ENTRY_FLAGS are the flags about the main entry point, each with whether it takes a value. */
const ENTRY_FLAGS = new Map<string, boolean>([
  ['--input-type', true],
  ['--eval', true],
  ['-e', true],
  ['--print', true],
  ['-p', true],
  ['--watch', false],
  ['--watch-path', true],
  ['--watch-preserve-output', false],
  ['--test', false],
]);

/** keys numbers the task functions for the protocol (a TaskRef is one frozen object per task function). */
const keys = new WeakMap<TaskRef, number>();
let lastKey = 0;

/** taskKey is the number of task function `ref`, the same for every worker for the life of the process. */
function taskKey(ref: TaskRef): number {
  let k = keys.get(ref);
  if (k === undefined) keys.set(ref, (k = ++lastKey));
  return k;
}

function isDataCloneError(e: unknown): boolean {
  return e instanceof Error && e.name === 'DataCloneError';
}
