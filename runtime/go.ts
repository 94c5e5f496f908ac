/**
 * go starts a goroutine: `go(fn, ...args)` is Go's `go fn(args...)`.
 *
 * The arguments are evaluated by the caller, and the goroutine starts after the caller's current synchronous step
 * (a microtask later), as in Go the new goroutine usually runs after the spawner continues. A goroutine is an
 * ordinary function, usually async; it ends when its promise settles. A throw that escapes it is a panic: see
 * setPanicHandler. Wrap the body in try/catch to recover.
 *
 * If `fn` is a task (see task() in threads/task.ts), the goroutine runs on a worker thread instead: its arguments are
 * checked at the call (structured-clonable data or shared objects; anything else throws InvalidArgumentError), and
 * a throw is still a panic of the goroutine, reported on this thread.
 *
 * @example
 * const ch = chan<number>();
 * go(async (n) => { await ch.send(n * 2); }, 21);
 * console.log(await ch.recv()); // 42
 */
import { activeBubble, type Bubble } from './sched/bubble.js';
import { panicked } from './sched/panic.js';
import { GOROUTINE_TAG, Goroutine, goroutines, level, live, NAMES, tracker } from './sched/tracking.js';
import { checkFunction } from './validate.js';
import { isThenable } from './thenable.js';

/**
 * TASK is the property that marks a task: a function that go() hands to the thread scheduler instead of running it
 * on this thread. threads/task.ts sets it (under a registered symbol, the same on every thread) and, when loaded,
 * installs the scheduler's entry with setTaskStarter: the scheduler sits above go() and go() does not import it.
 */
export const TASK: unique symbol = Symbol.for('gocsp.task');

/** Task is a function carrying a task marker (its value is the scheduler's). */
export interface Task {
  readonly [TASK]: unknown;
}

/** TaskStarter queues task `fn` as goroutine `id` for a worker thread; false if go() should run it here instead. */
export type TaskStarter = (id: number, fn: Task, args: readonly unknown[]) => boolean;

let startTask: TaskStarter | null = null;

/** setTaskStarter installs the scheduler's entry for tasks (threads/task.ts does, once). */
export function setTaskStarter(f: TaskStarter): void {
  startTask = f;
}

/** MAIN_GOROUTINE is the id of the goroutine run by main(); go() numbers the others from 2 up. */
export const MAIN_GOROUTINE = 1;
let lastId = MAIN_GOROUTINE;

/**
 * go starts a goroutine: `go(fn, ...args)` is Go's `go fn(args...)`. The goroutine starts a microtask later, after
 * the caller's current synchronous step; a throw that escapes it is a panic (see setPanicHandler). If `fn` is a task
 * (task()), it runs on a worker thread, with its arguments checked at the call (InvalidArgumentError).
 *
 * @example
 * const ch = chan<number>();
 * go(async (n) => { await ch.send(n * 2); }, 21);
 * console.log(await ch.recv()); // 42
 */
export function go<A extends unknown[]>(fn: (...args: A) => unknown, ...args: A): void {
  checkFunction('go', 'fn', fn);
  const id = ++lastId;
  // The one check plain goroutines pay: a task goes to the scheduler (whose pool is loaded on first use).
  if ((fn as Partial<Task>)[TASK] !== undefined && startTask !== null && startTask(id, fn as unknown as Task, args)) {
    return;
  }
  spawn(id, fn, args);
}

/** nextGoroutineId allocates the id of a goroutine started by other means than go() (a synctest root). */
export function nextGoroutineId(): number {
  return ++lastId;
}

/** spawn starts goroutine `id` (main() uses it for goroutine 1). */
export function spawn<A extends unknown[]>(id: number, fn: (...args: A) => unknown, args: A): void {
  const bubble = activeBubble;
  if (bubble === null && tracker === null) {
    startQueue.push(id, fn as (...a: unknown[]) => unknown, args);
    if (!startScheduled) {
      startScheduled = true;
      void RESOLVED.then(startQueued);
    }
    return;
  }
  bubble?.started();
  if (tracker !== null) {
    const g = new Goroutine(id);
    live.add(g);
    void Promise.resolve().then(() => tracker!.run(g, runTracked, id, fn, args, bubble, g));
  } else {
    void Promise.resolve().then(() => runTracked(id, fn, args, bubble, null));
  }
}

const RESOLVED: Promise<void> = Promise.resolve();

/**
 * startQueue holds untracked goroutines to start, flattened as (id, fn, args) triples: a burst of go() calls costs
 * one microtask and no closure per goroutine, which matters when spawning a million.
 */
const startQueue: unknown[] = [];
let startScheduled = false;

/** startQueued starts the queued goroutines in order, including any that they start meanwhile. */
function startQueued(): void {
  startScheduled = false;
  let i = 0;
  try {
    for (; i < startQueue.length; i += 3) {
      const fn = startQueue[i + 1] as (...a: unknown[]) => unknown;
      runPlain(startQueue[i] as number, fn, startQueue[i + 2] as unknown[]);
    }
  } finally {
    // A panic handler that throws stops this loop: keep the goroutines not yet started for the next microtask.
    startQueue.splice(0, i + 3 > startQueue.length ? startQueue.length : i + 3);
    if (startQueue.length > 0 && !startScheduled) {
      startScheduled = true;
      void RESOLVED.then(startQueued);
    }
  }
}

/**
 * runPlain runs an untracked goroutine: only a throw needs noticing, so the only thing kept per parked goroutine is
 * one rejection handler (a parked goroutine's footprint matters at a million goroutines).
 */
function runPlain<A extends unknown[]>(id: number, fn: (...args: A) => unknown, args: A): void {
  goroutines.running++;
  let r: unknown;
  try {
    r = fn(...args);
  } catch (e) {
    goroutines.running--;
    panicked(id, e, null);
    return;
  }
  if (!isThenable(r)) goroutines.running--;
  else if (level === NAMES) {
    // The main goroutine is always listed, even parked on a promise nothing else references.
    if (id === MAIN_GOROUTINE) mainGoroutine = r;
    watchNamed(r, GOROUTINE_TAG + id);
  }
  else r.then(exitedPlain, (e: unknown) => panickedPlain(id, e));
}

/** mainGoroutine keeps the main goroutine's promise (and so its tag) reachable for the report under main(). */
let mainGoroutine: PromiseLike<unknown> | null = null;

/**
 * watchNamed watches a goroutine under main(): its panic handler captures the goroutine's tag instead of its id, so
 * that a heap snapshot can tell which promise is which goroutine's (see sched/heap-walk.ts). The tag costs one short
 * string per goroutine and nothing per operation.
 */
function watchNamed(r: PromiseLike<unknown>, tag: string): void {
  r.then(exitedPlain, (e: unknown) => panickedPlain(Number(tag.slice(GOROUTINE_TAG.length)), e));
}

function exitedPlain(): void {
  goroutines.running--;
}

function panickedPlain(id: number, e: unknown): void {
  goroutines.running--;
  panicked(id, e, null);
}

/**
 * numGoroutine is the number of goroutines of this thread that have started and not returned, main's included
 * (Go's runtime.NumGoroutine). Goroutines that go() has queued but not yet started are not counted, nor are those
 * running on worker threads.
 *
 * @example
 * go(async () => { await chan().recv(); });
 * await gosched();
 * console.log(numGoroutine()); // 1 (outside main()) or 2 (inside it)
 */
export function numGoroutine(): number {
  return goroutines.running;
}

/** runTracked runs a goroutine that a synctest bubble or the deadlock report counts. */
function runTracked<A extends unknown[]>(
  id: number,
  fn: (...args: A) => unknown,
  args: A,
  bubble: Bubble | null,
  g: Goroutine | null,
): void {
  goroutines.running++;
  let r: unknown;
  try {
    r = fn(...args);
  } catch (e) {
    // Report before counting the exit: a bubble whose last goroutine panicked must fail, not finish.
    goroutines.running--;
    panicked(id, e, bubble);
    exited(bubble, g, false);
    return;
  }
  if (isThenable(r)) {
    r.then(
      () => exited(bubble, g),
      (e: unknown) => {
        goroutines.running--;
        panicked(id, e, bubble);
        exited(bubble, g, false);
      },
    );
  } else {
    exited(bubble, g);
  }
}

function exited(bubble: Bubble | null, g: Goroutine | null, count = true): void {
  if (count) goroutines.running--;
  if (g !== null) live.delete(g);
  bubble?.exited();
}
