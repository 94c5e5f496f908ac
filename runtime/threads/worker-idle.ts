/**
 * The worker's side of deadlock detection and goroutine dumps across threads (main's side: deadlock.ts and
 * dump-all.ts).
 *
 * Under main() (WorkerInit.tracking above OFF) a worker keeps its protocol port unref'd while it is awake, so that
 * Node emits 'beforeExit' on it as soon as its event loop holds nothing else: every goroutine of the worker is then
 * parked (on a gocsp operation, or on a promise nothing will settle) and no timer, I/O or code of its own can wake
 * one. There it refs the port again (the worker must not exit: main decides when it ends), publishes that it sleeps
 * (shared/idle.ts) and tells main if it is the last worker to fall asleep. Whatever wakes it next (a message of the
 * protocol, its parker) publishes that it is awake and unrefs the port: wokeUp.
 *
 * It answers main's questions from its event loop, even while all its goroutines are parked: a probe (does it still
 * sleep?) and a dump request (its goroutines, as goroutineDump renders them, named with its thread slot).
 */
import type { MessagePort } from 'node:worker_threads';
import { threadDump } from '../sched/dump.js';
import { fellAsleep, isAsleep, publishIdleness, tellMainIfLast, wokeUp } from '../shared/memory/idle.js';
import { parking } from '../shared/memory/parker.js';
import type { AnswerMsg, DumpMsg, ProbeMsg } from './protocol.js';
import { threadSlot } from './slot.js';

/** publishWorkerIdleness starts publishing this worker's idleness; `port` is its protocol port. */
export function publishWorkerIdleness(port: MessagePort): void {
  publishIdleness(() => port.unref());
  port.unref();
  process.on('beforeExit', () => {
    port.ref();
    fellAsleep(parking());
    tellMainIfLast();
  });
}

/** answerMain answers a question of main's on `port`. */
export function answerMain(port: MessagePort, m: ProbeMsg | DumpMsg): void {
  if (m.t === 'probe') {
    port.postMessage({ t: 'probed', round: m.round, asleep: stillAsleep() } satisfies AnswerMsg);
    return;
  }
  port.postMessage({ t: 'dumped', round: m.round, text: null } satisfies AnswerMsg);
  const text = threadDump(threadSlot());

  // Output the worker wrote must reach main before main prints the dump (and perhaps exits).
  void drained().then(() => port.postMessage({ t: 'dumped', round: m.round, text } satisfies AnswerMsg));
}

/**
 * stillAsleep reports whether this worker still sleeps: it published so, and its event loop still holds nothing
 * ref'd but the protocol port. Something that ran meanwhile without waking it through gocsp (a callback of a handle
 * the program unref'd) may have started I/O or a timer: then it is awake, and says so in the registry too, so that
 * the next 'beforeExit' tells again when it sleeps.
 */
function stillAsleep(): boolean {
  if (!isAsleep()) return false;
  let port = false;
  for (const r of process.getActiveResourcesInfo()) {
    if (r === 'MessagePort' && !port) port = true;
    else {
      wokeUp();
      return false;
    }
  }
  return true;
}

/** drained resolves once everything written to stdout and stderr has been handed to the main thread. */
export function drained(): Promise<void> {
  return Promise.all(
    [process.stdout, process.stderr].map(
      (s) => new Promise<void>((resolve) => (s.writableLength > 0 ? s.write('', () => resolve()) : resolve())),
    ),
  ).then(() => undefined);
}

