/**
 * goroutineDumpAll: a goroutine dump of every thread of the program, Go's runtime.Stack(buf, true) across threads.
 *
 * The calling thread's goroutines are listed at once (sched/dump.ts); each worker of the scheduler is asked through
 * its protocol port and answers from its event loop (worker-idle.ts), even while all its goroutines are parked. So
 * this is asynchronous, unlike goroutineDump, and a worker that runs code without ever yielding cannot answer: after
 * DUMP_TIMEOUT_MS the dump says so in its place.
 */
import { goroutineDump } from '../sched/dump.js';
import { onAnswer } from './answers.js';
import { poolView } from './lifecycle.js';

/** DUMP_TIMEOUT_MS is how long a dump waits for the workers' answers. */
export const DUMP_TIMEOUT_MS = 10_000;

let lastRound = 0;
/** gathering holds the dumps under way, by round: what to do with each worker's answer. */
const gathering = new Map<number, (thread: number, text: string) => void>();
onAnswer('dumped', (thread, m) => gathering.get(m.round)?.(thread, m.text));

/**
 * goroutineDumpAll resolves to every live goroutine of every thread as Go prints them: this thread's as goroutineDump
 * renders them, then each worker thread's, named `goroutine N (thread T)` (T is the worker's number, from 1). Under
 * main() the workers list their goroutines as main does (wait reasons; where each parked with `traceback:
 * 'stacks'`); outside it each says that goroutines are listed only under main(). A worker that does not answer
 * within 10 s (it runs code that never yields) is named instead. main() prints it on SIGQUIT.
 *
 * @example
 * process.on('SIGUSR2', () => void goroutineDumpAll().then((d) => process.stderr.write(d)));
 */
export async function goroutineDumpAll(): Promise<string> {
  const own = goroutineDump();
  return own + (await workersDump());
}

/** workersDump asks every worker thread for its goroutine dump; it resolves to them in thread order ('' if none). */
export function workersDump(): Promise<string> {
  const workers = poolView().workers;
  if (workers.length === 0) return Promise.resolve('');
  const round = ++lastRound;
  const texts = new Map<number, string>();
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      gathering.delete(round);
      let out = '';
      for (const t of workers) {
        out +=
          texts.get(t.slot) ??
          `\n(thread ${t.slot} did not answer within ${DUMP_TIMEOUT_MS} ms: it runs code that does not yield)\n`;
      }
      resolve(out);
    };
    // A ref'd timer: the process stays alive until the dump is complete.
    const timer = setTimeout(done, DUMP_TIMEOUT_MS);
    gathering.set(round, (thread, text) => {
      texts.set(thread, text);
      if (texts.size === workers.length) done();
    });
    for (const t of workers) t.ask({ t: 'dump', round });
  });
}
