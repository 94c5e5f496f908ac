/**
 * dynamic-pool: the seed's DynamicWorkerPool with auto-scaling, for I/O-bound work run by goroutines on this thread.
 * The jobs of the burst wait on a `gate` channel that the program closes when it chooses, so what is printed does
 * not depend on the machine's speed. Shown: one submit and a batch (the seed's usage block), the supervisor adding
 * workers under load up to maxWorkers, a queued job canceled with an AbortSignal (it never runs), a task timeout,
 * scaleDown back to minWorkers, metrics, and stop.
 *
 * Run: npx tsx examples/patterns/dynamic-pool.ts
 */
import { chan, main, sleep } from '../../runtime/index.js';
import { DynamicWorkerPool, isTaskTimeoutError } from '../../patterns/index.js';

main(async () => {
  const gate = chan<never>(); // closed to let the burst's jobs finish
  const ran: string[] = [];

  // Dynamic worker pool with auto-scaling (the seed's usage block, plus the work and a faster supervisor tick)
  const pool = new DynamicWorkerPool<string, number>({
    minWorkers: 2,
    maxWorkers: 10,
    idleTimeout: 30000,
    enableAutoScaling: true,
    scalingThreshold: 0.8,
    scalingInterval: 20,
    taskTimeout: 1000,
    worker: async (task, ctx) => {
      ran.push(task);
      if (task.startsWith('burst')) await gate.recv();
      if (task === 'stuck') await ctx.done()!.recv(); // waits until the pool gives up on it
      return task.length;
    },
  });

  // Submit tasks
  const result = await pool.submit('process-data');
  const results = await pool.submitBatch(['task1', 'task2', 'task3']);
  console.log(`process-data -> ${result}; batch -> ${results.join(', ')}`);
  console.log(`workers at rest: ${pool.getWorkerCount()}`);

  // A burst of 30 slow jobs: the load (busy + queued) / workers stays >= 0.8, so the supervisor adds workers.
  const burst = pool.submitBatch(Array.from({ length: 30 }, (_, i) => `burst-${i}`));
  const giveUp = new AbortController();
  const canceled = pool.submit('never-runs', { signal: giveUp.signal }).catch((e: unknown) => (e as Error).message);
  while (pool.getMetrics().busyWorkers < 10) await sleep(5);
  console.log(`under load: workers ${pool.getWorkerCount()}, busy ${pool.getMetrics().busyWorkers}, queued ${pool.getQueueLength()}`);
  giveUp.abort(new Error('client went away'));
  console.log(`queued job canceled: ${await canceled}`);

  gate.close();
  console.log(`burst done: ${(await burst).length} results; never-runs ran: ${ran.includes('never-runs')}`);

  const timedOut = await pool.submit('stuck').then(String, (e: unknown) => (isTaskTimeoutError(e) ? e.message : String(e)));
  console.log(`stuck: ${timedOut.replace(/^DynamicWorkerPool-\d+/, 'pool')}`);

  await pool.scaleDown(8);
  console.log(`after scaleDown(8): workers ${pool.getWorkerCount()}`);

  const m = pool.getMetrics();
  console.log(`submitted ${m.submitted}, completed ${m.completed}, failed ${m.failed}, canceled ${m.canceled}, timed out ${m.timedOut}, peak workers ${m.peakWorkers}`);
  await pool.stop();
  console.log(`stopped: workers ${pool.getWorkerCount()}`);
});

// Output:
// process-data -> 12; batch -> 5, 5, 5
// workers at rest: 2
// under load: workers 10, busy 10, queued 21
// queued job canceled: client went away
// burst done: 30 results; never-runs ran: false
// stuck: pool: task timed out after 1000 ms
// after scaleDown(8): workers 2
// submitted 36, completed 34, failed 1, canceled 1, timed out 1, peak workers 10
// stopped: workers 0
