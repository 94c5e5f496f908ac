/**
 * useThreads configures the scheduler before each test of the calling file and, after each, shuts it down and checks
 * that nothing is left: no worker running, no worker or port keeping the process alive, the panic handler restored.
 */
import { afterEach, beforeEach, expect } from 'vitest';
import { setPanicHandler } from '../../../runtime/sched/panic.js';
import type { ThreadsOptions } from '../../../runtime/threads/threads-config.js';
import { configureThreads, runningThreads, shutdownThreads } from '../../../runtime/threads/threads-lifecycle.js';

export function useThreads(options: ThreadsOptions = { threads: 2 }): void {
  beforeEach(() => {
    configureThreads(options);
  });
  afterEach(async () => {
    await shutdownThreads();
    setPanicHandler(null);
    expect(runningThreads()).toBe(0);
    const left = process.getActiveResourcesInfo().filter((r) => r === 'Worker' || r === 'MessagePort');
    expect(left).toEqual([]);
  });
}

/** panics collects the panics reported on this thread, until the test ends. */
export function collectPanics(): { error: unknown; id: number }[] {
  const seen: { error: unknown; id: number }[] = [];
  setPanicHandler((error, id) => seen.push({ error, id }));
  return seen;
}

/** until waits for `cond`, polling, for at most `ms`. */
export async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('until: condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}
