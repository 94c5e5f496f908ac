/**
 * fixed-pool: the seed's FixedWorkerPool for predictable resource use, with CPU-bound work on worker threads: the
 * work is a task (a top-level function of tasks/heavy.ts), and each of the 4 pool workers runs one job at a time on
 * one of the runtime's 2 threads. Shown: one submit, a batch in input order, a task's error rebuilt in its class,
 * a thread that dies failing only its job (ThreadDiedError) while the pool keeps serving, metrics, and stop.
 *
 * Run: npx tsx examples/patterns/fixed-pool.ts
 */
import { configureThreads, isThreadDiedError, main, shutdownThreads } from '../../runtime/index.js';
import { FixedWorkerPool } from '../../patterns/index.js';
import { crash, heavyComputation } from './tasks/heavy.js';

main(async () => {
  configureThreads({ threads: 2 });

  // Fixed worker pool for predictable resource usage (the seed's usage block)
  const fixedPool = new FixedWorkerPool<string, number>(4, { task: heavyComputation });
  const result = await fixedPool.submit('heavy-computation');
  console.log(`heavy-computation -> ${result}`);

  const names = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta', 'theta'];
  const results = await fixedPool.submitBatch(names);
  console.log(`batch of ${names.length}, in input order: ${results.join(' ')}`);
  console.log(`workers: ${fixedPool.getWorkerCount()}, queued: ${fixedPool.getQueueLength()}, idle: ${fixedPool.isIdle()}`);

  // A thread that dies fails the job it was running; the runtime replaces the thread and the pool goes on.
  const crashing = new FixedWorkerPool<number, number>(1, { task: crash });
  const e = await crashing.submit(3).catch((x: unknown) => x);
  console.log(`crashing task: ${isThreadDiedError(e) ? 'ThreadDiedError' : String(e)}`);
  await crashing.stop();
  console.log(`after the crash: ${await fixedPool.submit('heavy-computation')}`);

  const m = fixedPool.getMetrics();
  console.log(`submitted ${m.submitted}, completed ${m.completed}, failed ${m.failed}`);
  await fixedPool.stop();
  console.log(`stopped: running ${fixedPool.isRunning()}, workers ${fixedPool.getWorkerCount()}`);
  await shutdownThreads();
});

// Output:
// heavy-computation -> 20069
// batch of 8, in input order: 46213 43013 51781 55685 2661 71333 41541 97317
// workers: 4, queued: 0, idle: true
// crashing task: ThreadDiedError
// after the crash: 20069
// submitted 10, completed 10, failed 0
// stopped: running false, workers 0
