/**
 * threadSlot: which thread of a gocsp program this is. The main thread is slot 0; each worker the scheduler starts
 * gets the next number (from 1, never reused, a replacement worker included) in its workerData, so a number names
 * one thread for the life of the process (shared memory can record which thread owns a lock, and recover it when
 * that thread's exit is reported to onThreadExit).
 */
import { workerData } from 'node:worker_threads';
import { WORKER_KIND, type WorkerInit } from './protocol.js';

const data = workerData as Partial<WorkerInit> | null | undefined;
const init = data?.kind === WORKER_KIND ? (data as WorkerInit) : null;

/** workerInit is this thread's workerData if the scheduler started it, else null. */
export const workerInit: WorkerInit | null = init;

/** threadSlot is this thread's slot: 0 on the main thread (or any thread the scheduler did not start). */
export function threadSlot(): number {
  return init === null ? 0 : init.slot;
}
