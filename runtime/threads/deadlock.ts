/**
 * Deadlock across threads, the main thread's side: under main(), main reports Go's `all goroutines are asleep`
 * only once every goroutine of every thread is parked and nothing can wake any of them (Go's checkdead), whatever
 * they wait on: local or shared channels, sync objects, a promise nothing will settle.
 *
 * Each thread publishes when it sleeps (shared/idle.ts; workers: worker-idle.ts). On the main thread, main() leaves
 * gocsp's keep-alive handles unref'd (the parker's, the workers and their ports), so Node emits 'beforeExit' on main
 * as soon as main's own event loop is empty: main sleeps. mainIdle, run there, then decides:
 *
 *   pass 1 - publish that main sleeps, raise WATCH, hold main alive, and read every thread's state (collect).
 *            Some thread awake, a wake-up on its way (a SLEEP word cleared), or goroutines queued for a worker:
 *            wait. Main stays alive while it waits; the worker that falls asleep last clears WATCH and notifies
 *            main (tellMainIfLast), and main lets go of its handle so that 'beforeExit' comes again, then looks
 *            again. Anything that wakes main (its parker, a message from a worker, a thread's exit) also lets go.
 *   pass 2 - every thread sleeps: probe each worker through its protocol port. A probe rides behind every message
 *            main posted to that worker, its answer behind every message the worker posted to main; so once all
 *            have answered, no message is in flight, and a message that was in flight has woken its receiver
 *            (which bumps that thread's epoch). The worker also checks that its event loop holds nothing else.
 *   pass 3 - every worker still sleeps and every epoch is unchanged (recollect): the verdict. Main lets go of its
 *            handle; at the next 'beforeExit', still with no epoch changed, nothing can wake anything: report.
 *
 * Anything else at any pass (a thread awake, an answer saying so, main woken) starts over from pass 1 at the next
 * 'beforeExit'. A thread counts as asleep only when its event loop is empty, so a thread running code, waiting on
 * I/O or a timer, or yielding, is awake: no false report. A thread gocsp did not start never publishes, so it
 * counts as awake for ever.
 *
 * Cost: nothing while threads work. Each time main's event loop runs dry while workers run, one 'beforeExit' and
 * one read of the registry; each time a worker's runs dry, one 'beforeExit' and its port ref'd and unref'd.
 */
import { parking } from '../shared/memory/parker.js';
import {
  collect,
  fellAsleep,
  publishIdleness,
  recollect,
  type Snapshot,
  watchIndex,
  wokeUp,
} from '../shared/memory/idle.js';
import { joinedRegistry, registryWords } from '../shared/memory/registry.js';
import { onAnswer } from './answers.js';
import { onThreadExit } from '../shared/memory/exit-hooks.js';
import { schedulerView } from './threads-lifecycle.js';
import type { ProbedMsg } from './protocol.js';

type Phase = 'awake' | 'waiting' | 'probing' | 'verdict' | 'deadlocked';

let phase: Phase = 'awake';
/** round numbers the probes, so that an answer to an abandoned round is ignored. */
let round = 0;
/** snap is what pass 1 read: the epoch of every thread, all asleep. */
let snap: Snapshot | null = null;
/** unanswered holds the (protocol) slots of the workers probed that have not answered yet. */
const unanswered = new Set<number>();
let keep: NodeJS.Timeout | null = null;
let watchPending = false;
let report: () => void = () => {};

/**
 * watchThreads makes main find deadlocks across threads (main() calls it): `deadlocked` runs once every goroutine
 * of every thread sleeps for good; main's 'beforeExit' must call mainIdle.
 */
export function watchThreads(deadlocked: () => void): void {
  report = deadlocked;
  publishIdleness(mainWoke);
  // A worker's exit fails the goroutines it ran, and may wake goroutines here.
  onThreadExit(() => wokeUp());
  onAnswer('probed', probed);
}

/** mainIdle runs when main's event loop is empty ('beforeExit'): see the passes above. */
export function mainIdle(): void {
  if (phase === 'deadlocked') return;
  if (!joinedRegistry()) {
    // One thread, no shared object: main's event loop ran dry with goroutines parked, as in Go's one-P case.
    deadlocked();
    return;
  }
  if (phase === 'verdict' && recollect(snap!) && !schedulerView().waiting) {
    deadlocked();
    return;
  }
  // pass 1 - publish, watch, read
  round++;
  fellAsleep(parking());
  Atomics.store(registryWords(), watchIndex(), 1);
  hold(true);
  const view = schedulerView();
  const s = view.waiting ? null : collect();
  const workers = s === null ? [] : view.workers.filter((t) => s.has(t.registrySlot));
  // A sleeping slot that is not a worker of the scheduler: a worker shutting down, whose exit will wake main.
  if (s === null || workers.length !== s.size - 1) {
    phase = 'waiting';
    watchWatch();
    return;
  }
  snap = s;
  if (workers.length === 0) {
    deadlocked(); // main alone: nothing else can change anything
    return;
  }
  // pass 2 - probe
  phase = 'probing';
  unanswered.clear();
  for (const t of workers) {
    unanswered.add(t.slot);
    t.ask({ t: 'probe', round });
  }
}

/** probed receives a worker's answer to a probe. */
function probed(thread: number, m: ProbedMsg): void {
  if (phase !== 'probing' || m.round !== round) return;
  if (!m.asleep) {
    again();
    return;
  }
  unanswered.delete(thread);
  if (unanswered.size > 0) return;
  // pass 3 - the verdict, confirmed at the next 'beforeExit' (main's event loop empty)
  if (!recollect(snap!) || schedulerView().waiting) {
    again();
    return;
  }
  phase = 'verdict';
  hold(false);
}

/** again abandons this look: the next 'beforeExit' looks again. */
function again(): void {
  phase = 'awake';
  hold(false);
}

/** mainWoke runs when main wakes (shared/idle.ts wokeUp): whatever look was under way is abandoned. */
function mainWoke(): void {
  if (phase === 'deadlocked') return;
  Atomics.store(registryWords(), watchIndex(), 0);
  round++;
  again();
}

/** watchWatch waits (one wait at a time) for a worker to clear WATCH: every worker sleeps, look again. */
function watchWatch(): void {
  if (watchPending) return;
  const r = Atomics.waitAsync(registryWords(), watchIndex(), 1);
  if (!r.async) {
    // A worker cleared WATCH since main raised it. Not from here: this runs in 'beforeExit', and a handler that
    // leaves nothing pending ends the process instead of emitting 'beforeExit' again.
    setImmediate(notified);
    return;
  }
  watchPending = true;
  void r.value.then(() => {
    watchPending = false;
    notified();
  });
}

function notified(): void {
  if (phase === 'waiting') again();
}

function deadlocked(): void {
  phase = 'deadlocked';
  hold(true); // while the report gathers the workers' goroutines
  report();
}

/** hold makes main's event loop stay alive (true) or not (false) for the deadlock check. */
function hold(on: boolean): void {
  if (keep === null) {
    if (!on) return;
    keep = setInterval(noop, 1 << 30);
  }
  if (on) keep.ref();
  else keep.unref();
}

function noop(): void {}

