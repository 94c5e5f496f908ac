/**
 * deadlock-threads: Go's deadlock report across worker threads. Two goroutines on two worker threads each wait for
 * the other to send first on a shared channel, and the main goroutine waits for both: every goroutine of every
 * thread is asleep, so main() prints the report, naming the thread of each goroutine, and exits with code 2.
 * Run: npx tsx examples/deadlock-threads.ts   (exits with code 2)
 */
import { codec, configureThreads, go, main, sharedChan, SharedWaitGroup, task, type SharedChan } from '../runtime/index.js';

/** swap waits for a value on `inbox`, then answers on `outbox`: two of them wait for each other for ever. */
export const swap = task(async function swap(inbox: SharedChan<number>, outbox: SharedChan<number>, wg: SharedWaitGroup) {
  const v = await inbox.recv();
  await outbox.send(v! + 1);
  wg.done();
});

main(async () => {
  configureThreads({ threads: 2, goroutinesPerThread: 1 }); // one goroutine on each thread
  const a = sharedChan(codec.int32);
  const b = sharedChan(codec.int32);
  const wg = new SharedWaitGroup();
  wg.add(2);
  go(swap, a, b, wg);
  go(swap, b, a, wg);
  console.log('each worker waits for the other to send first...');
  await wg.wait();
});

// Output (stdout):
// each worker waits for the other to send first...
// Output (stderr), exit code 2:
// fatal error: all goroutines are asleep - deadlock!
//
// goroutine 1 [sync.WaitGroup.Wait]:
//
// goroutine 2 (thread 1) [chan receive]:
//
// goroutine 3 (thread 2) [chan receive]:
