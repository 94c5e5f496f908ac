/**
 * Recovery after a thread's death. A shared sync object records the owner token of every thread that holds
 * something of it (a lock, a writer's claim, read locks, weight, a running Once), and each object takes back what a
 * dead thread held whenever it is polled. What this file adds is the poll: when the scheduler sees a worker exit (and
 * has marked its slot dead), every thread is woken once, so goroutines parked behind the dead thread re-check at once
 * instead of waiting for a wake-up that will never come.
 *
 * A death costs every thread one re-poll of what it waits on; a thread that waits on nothing is not even woken
 * (registry.wake only notifies a sleeping thread).
 */
import { onThreadExit } from '../memory/exit-hooks.js';
import { isAlive, MAX_THREADS, registryWords, wake } from '../memory/registry.js';

let installed = false;

/** watchDeaths installs the wake-everyone hook once per thread (only the main thread ever runs it). */
export function watchDeaths(): void {
  if (installed) return;
  installed = true;
  onThreadExit(wakeEveryone);
}

function wakeEveryone(): void {
  registryWords();
  for (let s = 0; s < MAX_THREADS; s++) if (isAlive(s)) wake(s);
}
