/**
 * A tracked task: how a worker under main() runs a task so that goroutine dumps and the deadlock report list it as
 * the goroutine it is (with the id main gave it), the way go() tracks the goroutines it starts (sched/tracking.ts).
 *
 * A worker runs the tasks of a batch one after the other without a goroutine start each (worker-main.ts), so this
 * does for one task what go.ts does at start: at NAMES, a reaction on the task's promise that captures its tag (the
 * heap walk finds the goroutine by it); at EXACT and STACKS, a Goroutine record that its parks fill in.
 */
import { isThenable } from '../thenable.js';
import { GOROUTINE_TAG, Goroutine, live, tracker } from '../sched/tracking.js';

type TaskFn = (...args: unknown[]) => unknown;

/**
 * runTrackedTask calls `fn(...args)` as goroutine `id` and returns what it returned; at NAMES, the caller then
 * passes a returned promise to nameTrackedTask once it has attached its own reactions.
 */
export function runTrackedTask(id: number, fn: TaskFn, args: readonly unknown[]): unknown {
  if (tracker === null) return fn(...args);
  const g = new Goroutine(id);
  live.add(g);
  let r: unknown;
  try {
    r = tracker.run(g, fn, ...args);
  } catch (e) {
    live.delete(g);
    throw e;
  }
  if (!isThenable(r)) live.delete(g);
  else r.then(() => live.delete(g), () => live.delete(g));
  return r;
}

/**
 * nameTrackedTask, at NAMES, attaches to the promise `r` of task goroutine `id` a reaction whose closure holds
 * its tag (it settles with `r` and never rejects). Attach it last: the heap walk looks for the tag in the promise's
 * newest reaction.
 */
export function nameTrackedTask(r: PromiseLike<unknown>, id: number): void {
  if (tracker !== null) return;
  const tag = GOROUTINE_TAG + id;
  r.then(undefined, () => tag);
}
