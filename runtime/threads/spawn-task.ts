/**
 * goTask is go()'s path for a task: check the arguments at the call, then queue the goroutine for a worker thread.
 * On a worker thread, a task started by a goroutine runs right there (goTask declines and go() starts it locally):
 * the worker is already one of the program's threads.
 */
import { TASK, type Task } from '../go.js';
import { encodeArgs } from './args.js';
import { submit } from './threads-lifecycle.js';
import type { TaskRef } from './protocol.js';
import { workerInit } from './slot.js';

/** goTask starts task `fn` as goroutine `id` on a worker thread; false if go() should run it on this thread. */
export function goTask(id: number, fn: Task, args: readonly unknown[]): boolean {
  if (workerInit !== null) return false;
  const ref = fn[TASK] as TaskRef;
  const { value, wired } = encodeArgs('go', args);
  submit({ msg: { id, ref, args: value, wired, reply: false }, settle: null });
  return true;
}
