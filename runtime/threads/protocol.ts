/**
 * The scheduler's message protocol, imported by both sides: the main thread's scheduler (scheduler.ts, thread.ts) and
 * the worker (worker-main.ts). Every message travels on a MessagePort of its own per worker (not the worker's
 * parentPort, which stays free for user code), handed over in workerData.
 *
 * Dispatch is pull-based, with credit:
 *
 *   worker                                   main
 *     | -- report { want: 128 } ------------>  |  the worker has room: it is "hungry" for up to 128 goroutines
 *     |                                        |  (go() queues goroutines in the run queue)
 *     | <-- run { ids: [1, 2, 3], ... } -----  |  a batch: the worker's fair share of the queue, at most `want`
 *     |  starts each with go(); once its event |
 *     |  loop turns (setImmediate), asks again |
 *     | -- report { ids: [1], want: 125 } ---> |  results of finished goroutines ride on the next ask
 *     | -- panic { gid, error } ------------>  |  a goroutine the task itself started panicked
 *
 * A worker asks once its event loop has turned after a batch, or earlier, while the batch still computes, once what
 * is left of it should take less than PREFETCH_US (judged by how long its tasks have been running), so that the
 * next batch is there when this one ends instead of a round trip later. A worker busy with long computations thus
 * asks for nothing and an idle one takes the queue; a worker never has more than one ask outstanding, so main
 * answers each ask at most once, with one message for a whole batch (a cross-thread wake-up costs more than many
 * small tasks, see bench/RESULTS.md: one per batch, not per task).
 *
 * Claims: a batch never holds a goroutine hostage behind a long one. Each goroutine posted to a worker has a claim
 * word in that worker's claim ring (a SharedArrayBuffer, CLAIM_SLOTS int32 words; goroutine i of a batch uses word
 * (RunMsg.seq + i) % CLAIM_SLOTS). Main sets it to POSTED before posting; the worker, just before starting the
 * goroutine, swaps POSTED for FREE by compareExchange, and skips a goroutine whose word it finds STOLEN (then frees
 * the word). Main takes an unstarted goroutine back (to give it to an idle worker, or to drop it) by swapping POSTED
 * for STOLEN. Exactly one side wins each word, so a goroutine starts once, wherever it ends up.
 *
 *   claim word:   FREE --main posts--> POSTED --worker starts it--> FREE
 *                                        |
 *                                        +--main takes it back--> STOLEN --worker passes it--> FREE
 *
 * A word is reused only once FREE: a worker holds at most two batches it has not passed (the one it is starting and
 * the one its early ask brought), 2 * BATCH_MAX words, so a ring of CLAIM_SLOTS = 4 * BATCH_MAX never runs out.
 */
import type { MessagePort } from 'node:worker_threads';
import type { ErrorWire } from './error-wire.js';

/** TaskRef is how a worker finds a task (see task.ts): the URL of its module and the function's name. */
export interface TaskRef {
  readonly url: string;
  readonly name: string;
}

/** BATCH_MAX is the most goroutines a worker asks for at once. */
export const BATCH_MAX = 128;

/**
 * PREFETCH_US is how long before the end of its batch (estimated from how long its tasks run) a worker asks for the
 * next one: about a round trip to main and back, a cross-thread wake-up each way (their cost on the machines
 * measured is in bench/RESULTS.md).
 */
export const PREFETCH_US = 250;

/** CLAIM_SLOTS is the length of a worker's claim ring, in int32 words (see Claims above). */
export const CLAIM_SLOTS = 4 * BATCH_MAX;

/** CLAIM_FREE, CLAIM_POSTED and CLAIM_STOLEN are the states of a claim word. */
export const CLAIM_FREE = 0;
export const CLAIM_POSTED = 1;
export const CLAIM_STOLEN = 2;

/** WORKER_KIND brands the workerData of a gocsp worker. */
export const WORKER_KIND = 'gocsp-thread';

/** WorkerInit is the workerData of a gocsp worker. */
export interface WorkerInit {
  readonly kind: typeof WORKER_KIND;
  /** slot is the worker's thread slot: the main thread is 0, workers are numbered from 1 and never reused. */
  readonly slot: number;
  /** port carries this protocol (transferred with the workerData). */
  readonly port: MessagePort;
  /** goroutinesPerThread caps the task goroutines running at once on the worker (Infinity: no cap). */
  readonly goroutinesPerThread: number;
  /** registry is the program's thread registry (runtime/shared/memory/registry.ts), for shared channels and sync. */
  readonly registry: SharedArrayBuffer;
  /** registrySlot is the worker's slot in the registry, reserved by the main thread and marked dead at exit. */
  readonly registrySlot: number;
  /** claims is the worker's claim ring: CLAIM_SLOTS int32 words (see Claims above). */
  readonly claims: SharedArrayBuffer;
  /**
   * tracking is main's goroutine tracking level (sched/tracking.ts) when the worker started: above OFF (under
   * main()), the worker tracks its goroutines the same way and publishes its idleness (shared/idle.ts).
   */
  readonly tracking: number;
  /**
   * bundled is set when the worker was started on the program itself (a bundle, see worker-boot.ts) instead of
   * gocsp's worker-entry.mjs: the program's copy of gocsp then starts the worker side, and a task its bundle does not
   * export is found through task()'s registry.
   */
  readonly bundled: boolean;
}

/**
 * TaskMsg is one task goroutine as the main thread holds it until a batch carries it to a worker (RunMsg spreads
 * it over columns).
 */
export interface TaskMsg {
  /** id is the goroutine's id, allocated on the main thread by go() or goThread(). */
  readonly id: number;
  /** ref names the task function: its module URL and its name. */
  readonly ref: TaskRef;
  /** args went through encodeArgs: shared objects replaced by their wire descriptions. */
  readonly args: readonly unknown[];
  /** wired says whether args hold wire descriptions (decode them); false skips the walk. */
  readonly wired: boolean;
  /** reply says whether main wants the result value (goThread) or only the outcome (go). */
  readonly reply: boolean;
}

/** FLAG_WIRED and FLAG_REPLY are the bits of RunMsg.flags: TaskMsg.wired and TaskMsg.reply. */
export const FLAG_WIRED = 1;
export const FLAG_REPLY = 2;

/**
 * RunMsg (main -> worker) is a batch of goroutines to start, answering the worker's last ask. It is laid out in
 * columns (task i is ids[i], fns[i], args[i], flags[i]), not as an object per task: structured clone writes every
 * property name of every object, and a task's module URL is long, so columns cost a fraction of objects to clone on
 * both sides. A task function is named by a small number, defined (in `defs`) by the first batch a worker gets that
 * uses it.
 */
export interface RunMsg {
  readonly t: 'run';
  /** seq numbers the batch's first goroutine in the claim ring: goroutine i claims word (seq + i) % CLAIM_SLOTS. */
  readonly seq: number;
  /** defs are the task functions this worker has not seen yet: [number, module URL, name]. */
  readonly defs: readonly (readonly [number, string, string])[];
  readonly ids: readonly number[];
  readonly fns: readonly number[];
  readonly args: readonly (readonly unknown[])[];
  readonly flags: readonly number[];
}

/** FailedMsg is a goroutine whose task threw (or whose result could not cross). */
export interface FailedMsg {
  readonly id: number;
  readonly error: ErrorWire;
}

/**
 * ReportMsg (worker -> main) carries finished goroutines and, if want > 0, asks for up to `want` more. Goroutines
 * that returned are in columns: ids[i] returned values[i] (undefined for go(), whose result nobody wants); wired
 * lists the positions whose value holds wire descriptions to rebuild.
 */
export interface ReportMsg {
  readonly t: 'report';
  readonly ids: readonly number[];
  readonly values: readonly unknown[];
  readonly wired: readonly number[];
  readonly failed: readonly FailedMsg[];
  readonly want: number;
}

/** PanicMsg (worker -> main) reports the panic of a goroutine started inside the worker (id numbered there). */
export interface PanicMsg {
  readonly t: 'panic';
  readonly gid: number;
  readonly error: ErrorWire;
}

/**
 * ProbeMsg (main -> worker) asks a worker that published that it sleeps whether it still does (threads/deadlock.ts).
 * It rides behind every message main posted before it, and the answer behind every message the worker posted
 * before: so once every worker has answered, no message is in flight between main and the workers.
 */
export interface ProbeMsg {
  readonly t: 'probe';
  readonly round: number;
}

/** ProbedMsg (worker -> main) answers a ProbeMsg: whether the worker still sleeps. */
export interface ProbedMsg {
  readonly t: 'probed';
  readonly round: number;
  readonly asleep: boolean;
}

/** DumpMsg (main -> worker) asks for the worker's goroutine dump (threads/dump-all.ts). */
export interface DumpMsg {
  readonly t: 'dump';
  readonly round: number;
}

/**
 * DumpedMsg (worker -> main) answers a DumpMsg twice: at once with `text` null (the question arrived), then with the
 * worker's goroutine dump, as goroutineDump renders it, threads named.
 */
export interface DumpedMsg {
  readonly t: 'dumped';
  readonly round: number;
  readonly text: string | null;
}

export type ToWorker = RunMsg | ProbeMsg | DumpMsg;
export type FromWorker = ReportMsg | PanicMsg;
/** AnswerMsg is a worker's answer to a ProbeMsg or a DumpMsg, handled apart from the goroutine traffic. */
export type AnswerMsg = ProbedMsg | DumpedMsg;
