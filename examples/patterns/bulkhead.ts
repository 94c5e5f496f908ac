/**
 * bulkhead: the seed's resource isolation with BulkheadCircuitBreaker: at most 2 database operations at once, the
 * others wait in line (FIFO) for at most 100 ms.
 *
 * The operations do not sleep: each waits on a `gate` channel that the program closes when it chooses, so what
 * happens in which order does not depend on the machine's speed. Shown: permits and the line; a caller that times
 * out; tryCall refusing instead of waiting; a caller that gives up (AbortSignal) leaving the line at once and never
 * running; the freed permits going to the line in order; a throwing operation giving its permit back.
 *
 * Run: npx tsx examples/patterns/bulkhead.ts
 */
import { chan, main } from '../../runtime/index.js';
import { BulkheadCircuitBreaker, isBulkheadRejectedError } from '../../patterns/index.js';

main(async () => {
  // Bulkhead for resource isolation (the seed's usage block, with 2 permits and a 100 ms wait)
  const bulkhead = new BulkheadCircuitBreaker({
    maxConcurrentCalls: 2,
    maxWaitTime: 100,
    enableQueue: true,
  });

  const gate = chan<never>(); // closed to let every running operation finish
  const log: string[] = [];
  /** databaseOperation is a query that runs until the gate opens. */
  const databaseOperation = (name: string) => async (): Promise<string> => {
    log.push(`${name} runs`);
    await gate.recv();
    return `${name} rows`;
  };
  const describe = (p: Promise<string>): Promise<string> =>
    p.catch((e: unknown) => (isBulkheadRejectedError(e) ? `rejected (${e.reason})` : `failed: ${(e as Error).message}`));

  const q1 = bulkhead.call(databaseOperation('q1'));
  const q2 = bulkhead.call(databaseOperation('q2'));
  console.log(`permits free: ${bulkhead.getAvailablePermits()}, healthy: ${bulkhead.isHealthy()}`);

  console.log(`q3: ${await describe(bulkhead.call(databaseOperation('q3')))} after waiting 100 ms`);
  console.log(`tryCall: ${(await bulkhead.tryCall(databaseOperation('t'))) ?? 'no permit free, did not run'}`);

  const q4 = describe(bulkhead.call(databaseOperation('q4')));
  const giveUp = new AbortController();
  const q5 = bulkhead.call(databaseOperation('q5'), giveUp.signal).catch((e: unknown) => `gave up (${(e as Error).message})`);
  const q6 = describe(bulkhead.call(databaseOperation('q6')));
  console.log(`waiting in line: ${bulkhead.getQueueLength()}`);
  giveUp.abort();
  console.log(`q5: ${await q5}; waiting in line: ${bulkhead.getQueueLength()}`);

  gate.close(); // q1 and q2 finish; q4 and q6 get their permits, in arrival order
  console.log(`q1: ${await q1}, q2: ${await q2}, q4: ${await q4}, q6: ${await q6}`);
  console.log(`ran, in order: ${log.join(', ')}`);

  const broken = await describe(
    bulkhead.call(async () => {
      throw new Error('deadlock detected by the database');
    }),
  );
  console.log(`q7: ${broken}; permits free: ${bulkhead.getAvailablePermits()}`);
  const m = bulkhead.getMetrics();
  console.log(
    `metrics: ${m.admitted} admitted, ${m.waited} waited, ${m.rejectedTimeout} timed out, ` +
      `${m.canceled} canceled, ${m.rejectedFull} refused by tryCall, peak line ${m.peakQueueLength}`,
  );
});

// Output:
// permits free: 0, healthy: true
// q3: rejected (timeout) after waiting 100 ms
// tryCall: no permit free, did not run
// waiting in line: 3
// q5: gave up (This operation was aborted); waiting in line: 2
// q1: q1 rows, q2: q2 rows, q4: q4 rows, q6: q6 rows
// ran, in order: q1 runs, q2 runs, q4 runs, q6 runs
// q7: failed: deadlock detected by the database; permits free: 2
// metrics: 5 admitted, 4 waited, 1 timed out, 1 canceled, 1 refused by tryCall, peak line 3
