/**
 * deadlock-threads: Go's deadlock report across threads. The main goroutine and a goroutine on a worker thread each
 * wait for the other to speak first, through two shared channels: every goroutine of every thread is asleep, so
 * main() prints Go's report, naming the thread of each goroutine on a worker, and exits with code 2. (A thread that
 * computes, sleeps, does I/O or yields is not asleep: the report comes only once nothing can wake anything.)
 * Run: npx tsx examples/deadlock-threads.ts   (exits with code 2)
 * With GOCSP_TRACEBACK=stacks the report also shows where each goroutine parked, on every thread.
 */
import { codec, configureThreads, go, main, sharedChan, task, type SharedChan } from '../runtime/index.js';

/** echo waits for a question on `ask`, then answers on `answer`. */
export const echo = task(async function echo(ask: SharedChan<number>, answer: SharedChan<number>) {
  const q = await ask.recv();
  await answer.send(q! + 1);
});

main(async () => {
  configureThreads({ threads: 1 });
  const ask = sharedChan(codec.int32);
  const answer = sharedChan(codec.int32);
  go(echo, ask, answer);
  console.log('waiting for an answer to a question never asked...');
  console.log(await answer.recv()); // should have sent on ask first
});

// Output (stdout):
// waiting for an answer to a question never asked...
// Output (stderr), exit code 2:
// fatal error: all goroutines are asleep - deadlock!
//
// goroutine 1 [chan receive]:
//
// goroutine 2 (thread 1) [chan receive]:
