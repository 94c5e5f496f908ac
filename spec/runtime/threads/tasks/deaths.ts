/** Tasks that kill their worker thread in each way a worker dies. */
import { task } from '../../../../runtime/threads/task.js';

/** throwOutside throws from a timer callback: an uncaught exception outside any goroutine. */
export const throwOutside = task(import.meta.url, function throwOutside(): Promise<never> {
  setTimeout(() => {
    throw new RangeError('thrown outside goroutines');
  }, 5);
  return new Promise<never>(() => {});
});

/** exitWith calls process.exit inside the task, which ends its worker thread. */
export const exitWith = task(import.meta.url, async function exitWith(code: number): Promise<void> {
  await new Promise((r) => setTimeout(r, 5));
  process.exit(code);
});

/** hog allocates until its worker runs out of memory under resourceLimits. */
export const hog = task(import.meta.url, async function hog(): Promise<number> {
  await new Promise((r) => setTimeout(r, 5));
  const keep: unknown[] = [];
  for (;;) keep.push(Array.from({ length: 10_000 }, (_, i) => ({ i })));
});
