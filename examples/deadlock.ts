/**
 * deadlock: what Go prints when every goroutine is asleep. The main goroutine waits for a result that a worker
 * never sends, because the worker itself waits on a channel nobody writes to.
 * Run: npx tsx examples/deadlock.ts   (exits with code 2)
 * With GOCSP_TRACEBACK=stacks the report also shows, under each goroutine, the line of the program where it parked.
 */
import { chan, go, main, recvCase, select } from '../runtime/index.js';

main(async () => {
  const jobs = chan<number>();
  const results = chan<number>();
  const quit = chan<void>();
  go(async () => {
    await select([recvCase(quit), recvCase(jobs, async (j) => results.send(j! * 2))]);
  });
  console.log('waiting for a result that never comes...');
  console.log(await results.recv());
});

// Output (stdout):
// waiting for a result that never comes...
// Output (stderr), exit code 2:
// fatal error: all goroutines are asleep - deadlock!
//
// goroutine 1 [chan receive]:
//
// goroutine 2 [select]:
