/**
 * The scheduler's message protocol, imported by both sides: the main thread's pool (pool.ts, thread.ts) and the
 * worker (worker-main.ts). Every message travels on a MessagePort of its own per worker (not the worker's
 * parentPort, which stays free for user code), handed over in workerData.
 *
 * Dispatch is pull-based, with credit:
 *
 *   worker                                   main
 *     | -- report { done: [], want: 64 } -->   |  the worker has room: it is "hungry" for up to 64 goroutines
 *     |                                        |  (go() queues goroutines in the run queue)
 *     | <-- run { tasks: [t1, t2, t3] } -----  |  a batch: the worker's fair share of the queue, at most `want`
 *     |  starts each with go(); once its event |
 *     |  loop turns (setImmediate), asks again |
 *     | -- report { done: [r1], want: 61 } --> |  results of finished goroutines ride on the next ask
 *     | -- panic { gid, error } ------------>  |  a goroutine the task itself started panicked
 *
 * A worker asks only once its event loop has turned after a batch, so a worker busy computing asks for nothing and
 * an idle one takes the queue; a worker never has more than one ask outstanding, so main answers each ask at most
 * once, with one message for a whole batch (a cross-thread wake-up costs ~100 us here: one per batch, not per task).
 */
import type { MessagePort } from 'node:worker_threads';
import type { ErrorWire } from './error-wire.js';

/** BATCH_MAX is the most goroutines a worker asks for at once. */
export const BATCH_MAX = 64;

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
  /** registry is the program's thread registry (runtime/shared/registry.ts), for shared channels and sync. */
  readonly registry: SharedArrayBuffer;
  /** registrySlot is the worker's slot in the registry, reserved by the main thread and marked dead at exit. */
  readonly registrySlot: number;
}

/** TaskMsg asks a worker to run one task goroutine. */
export interface TaskMsg {
  /** id is the goroutine's id, allocated on the main thread by go() or goThread(). */
  readonly id: number;
  readonly url: string;
  readonly name: string;
  /** args went through encodeArgs: shared objects replaced by their wire descriptions. */
  readonly args: readonly unknown[];
  /** wired says whether args hold wire descriptions (decode them); false skips the walk. */
  readonly wired: boolean;
  /** reply says whether main wants the result value (goThread) or only the outcome (go). */
  readonly reply: boolean;
}

/** RunMsg (main -> worker) is a batch of goroutines to start, answering the worker's last ask. */
export interface RunMsg {
  readonly t: 'run';
  readonly tasks: readonly TaskMsg[];
}

/** DoneMsg is the outcome of one task goroutine. */
export type DoneMsg =
  | { readonly id: number; readonly ok: true; readonly value?: unknown; readonly wired?: boolean }
  | { readonly id: number; readonly ok: false; readonly error: ErrorWire };

/** ReportMsg (worker -> main) carries finished goroutines and, if want > 0, asks for up to `want` more. */
export interface ReportMsg {
  readonly t: 'report';
  readonly done: readonly DoneMsg[];
  readonly want: number;
}

/** PanicMsg (worker -> main) reports the panic of a goroutine started inside the worker (id numbered there). */
export interface PanicMsg {
  readonly t: 'panic';
  readonly gid: number;
  readonly error: ErrorWire;
}

export type ToWorker = RunMsg;
export type FromWorker = ReportMsg | PanicMsg;
