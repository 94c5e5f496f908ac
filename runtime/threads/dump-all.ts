/**
 * goroutineDumpAll: a goroutine dump of every thread of the program, Go's runtime.Stack(buf, true) across threads.
 *
 * The calling thread's goroutines are listed at once (sched/dump.ts); each worker of the scheduler is asked through
 * its protocol port and answers from its event loop (worker-idle.ts), even while all its goroutines are parked:
 * first that it got the question, then, once it has worked its goroutines out (a heap snapshot at the default
 * traceback level: seconds on a loaded machine), the dump. So this is asynchronous, unlike goroutineDump. A worker
 * that runs code without ever yielding cannot answer: after ACK_TIMEOUT_MS without even the first answer, the dump
 * says so in its place. A worker that exits meanwhile is named too.
 */
import { goroutineDump } from '../sched/dump.js';
import { onAnswer } from './answers.js';
import { onThreadExit } from '../shared/memory/exit-hooks.js';
import { schedulerView } from './threads-lifecycle.js';

/** ACK_TIMEOUT_MS is how long goroutineDumpAll waits for a worker to acknowledge the question. */
export const ACK_TIMEOUT_MS = 5_000;

/** Gathering is one dump under way: each worker's part, by (protocol) slot, null until it came. */
interface Gathering {
  readonly parts: Map<number, string | null>;
  readonly acked: Set<number>;
  readonly settle: () => void;
}

let lastRound = 0;
const gatherings = new Map<number, Gathering>();

onAnswer('dumped', (thread, m) => {
  const g = gatherings.get(m.round);
  if (g === undefined || !g.parts.has(thread)) return;
  if (m.text === null) g.acked.add(thread);
  else answer(g, thread, m.text);
});
onThreadExit((thread) => {
  for (const g of gatherings.values()) {
    if (g.parts.get(thread) === null) answer(g, thread, `\n(thread ${thread} exited before it listed its goroutines)\n`);
  }
});

function answer(g: Gathering, thread: number, text: string): void {
  if (g.parts.get(thread) !== null) return;
  g.parts.set(thread, text);
  for (const p of g.parts.values()) if (p === null) return;
  g.settle();
}

/**
 * goroutineDumpAll resolves to every live goroutine of every thread as Go prints them: this thread's as goroutineDump
 * renders them, then each worker thread's, named `goroutine N (thread T)` (T is the worker's number, from 1). Under
 * main() the workers list their goroutines as main does (wait reasons; where each parked with `traceback:
 * 'stacks'`); outside it each says that goroutines are listed only under main(). A worker that does not answer
 * within 5 s (it runs code that never yields) is named instead. main() prints this dump on SIGQUIT.
 *
 * @example
 * process.on('SIGUSR2', () => void goroutineDumpAll().then((d) => process.stderr.write(d)));
 */
export async function goroutineDumpAll(): Promise<string> {
  const others = workersDump(ACK_TIMEOUT_MS); // asked first: the workers list theirs while this thread lists its own
  const own = goroutineDump();
  return own + (await others);
}

/**
 * workersDump asks every worker thread for its goroutine dump and resolves to them in thread order ('' if none).
 * A worker that has not acknowledged within `ackTimeoutMs` (null: no limit, for workers known to be asleep) is
 * named instead of its dump.
 */
export function workersDump(ackTimeoutMs: number | null): Promise<string> {
  const workers = schedulerView().workers;
  if (workers.length === 0) return Promise.resolve('');
  const round = ++lastRound;
  return new Promise((resolve) => {
    // Ref'd while the dump is under way: the process waits for it.
    const keep = setInterval(() => {}, 1 << 30);
    let timer: NodeJS.Timeout | null = null;
    const g: Gathering = {
      parts: new Map(workers.map((t) => [t.slot, null])),
      acked: new Set(),
      settle: () => {
        clearInterval(keep);
        if (timer !== null) clearTimeout(timer);
        gatherings.delete(round);
        resolve(workers.map((t) => g.parts.get(t.slot)).join(''));
      },
    };
    gatherings.set(round, g);
    if (ackTimeoutMs !== null) {
      const late = (): void => {
        for (const t of workers) {
          if (!g.acked.has(t.slot)) {
            answer(g, t.slot, `\n(thread ${t.slot} did not answer within ${ackTimeoutMs} ms: it runs code that does not yield)\n`);
          }
        }
      };
      timer = setTimeout(() => {
        timer = null;
        // This thread may itself have been busy (its own dump) past the deadline: let the answers that came
        // meanwhile be read first (messages are read after timers, before setImmediate callbacks).
        setImmediate(late);
      }, ackTimeoutMs);
    }
    for (const t of workers) t.ask({ t: 'dump', round });
  });
}
