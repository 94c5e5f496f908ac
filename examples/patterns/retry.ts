/**
 * retry: RetryPolicy and RetryExecutor as the seed's section 7 uses them, against a fake operation that fails a
 * fixed number of times. It prints each attempt and the delay chosen before the next one, then what happens when
 * the retries run out, when an error is not worth retrying, and what the executor counted.
 *
 * The delays are the seed's divided by ten (100 ms, max 1 s) so that the program runs in under a second, and jitter
 * is 'none' so that they are the same on every run; in production keep jitter on (true, the seed's choice, is
 * 'full'), so that clients that failed together do not retry together.
 *
 * Run: npx tsx examples/patterns/retry.ts
 */
import { main } from '../../runtime/index.js';
import { isRetryExhaustedError, permanent, RetryExecutor, RetryPolicy } from '../../patterns/index.js';

class NetworkError extends Error {
  override name = 'NetworkError';
}

/** flaky returns an operation that throws `fail(n)` on its first `failures` calls, then answers. */
function flaky(failures: number, fail: (n: number) => Error = (n) => new NetworkError(`connection reset #${n}`)) {
  let calls = 0;
  return async (): Promise<string> => {
    calls++;
    if (calls <= failures) throw fail(calls);
    return `answer after ${calls} call${calls === 1 ? '' : 's'}`;
  };
}

main(async () => {
  // Configure retry policy
  const policy = new RetryPolicy({
    maxAttempts: 3,
    backoffStrategy: 'exponential',
    initialDelay: 100,
    maxDelay: 1000,
    jitter: 'none',
    retryCondition: (error) => error.name === 'NetworkError',
  });
  console.log(`delays after attempts 1..5: ${[1, 2, 3, 4, 5].map((n) => policy.getDelay(n)).join(', ')} ms`);

  // Execute with retry
  const executor = new RetryExecutor(policy, {
    onRetry: ({ attempt, error, delay }) =>
      console.log(`  attempt ${attempt} failed (${(error as Error).message}), next in ${delay} ms`),
  });
  let unreliableOperation = flaky(2);
  console.log('execute:');
  const result = await executor.execute(async () => {
    return await unreliableOperation();
  });
  console.log(`  -> ${result}`);

  // Custom retry context
  unreliableOperation = flaky(1);
  console.log('executeWithContext:');
  const result2 = await executor.executeWithContext(async (context) => {
    console.log(`  Attempt ${context.attempt} of ${context.maxAttempts}`);
    return await unreliableOperation();
  });
  console.log(`  -> ${result2}`);

  // Out of attempts: the third failure is the last one.
  console.log('always failing:');
  try {
    await executor.execute(flaky(Infinity));
  } catch (e) {
    if (!isRetryExhaustedError(e)) throw e;
    console.log(`  -> ${e.message} (attempts ${e.attempts}, cause ${(e.cause as Error).name})`);
  }

  // Not worth retrying: retryCondition says no, or the operation marks the error permanent.
  console.log('not retried:');
  for (const fail of [() => new TypeError('bad request'), () => permanent(new NetworkError('host not found'))]) {
    try {
      await executor.execute(flaky(1, fail));
    } catch (e) {
      console.log(`  -> ${(e as Error).name}: ${(e as Error).message}`);
    }
  }

  const m = executor.getMetrics();
  console.log(
    `metrics: ${m.executions} executions, ${m.attempts} attempts, ${m.retries} retries, ${m.successes} successes, ` +
      `${m.giveUps} give-up, ${m.totalDelay} ms waited`,
  );
  console.log(`attempts per execution: ${JSON.stringify(m.attemptsHistogram)}`);
});

// Output:
// delays after attempts 1..5: 100, 200, 400, 800, 1000 ms
// execute:
//   attempt 1 failed (connection reset #1), next in 100 ms
//   attempt 2 failed (connection reset #2), next in 200 ms
//   -> answer after 3 calls
// executeWithContext:
//   Attempt 1 of 3
//   attempt 1 failed (connection reset #1), next in 100 ms
//   Attempt 2 of 3
//   -> answer after 2 calls
// always failing:
//   attempt 1 failed (connection reset #1), next in 100 ms
//   attempt 2 failed (connection reset #2), next in 200 ms
//   -> retry: gave up after 3 attempts: NetworkError: connection reset #3 (attempts 3, cause NetworkError)
// not retried:
//   -> TypeError: bad request
//   -> NetworkError: host not found
// metrics: 5 executions, 10 attempts, 5 retries, 2 successes, 1 give-up, 700 ms waited
// attempts per execution: {"1":2,"2":1,"3":2}
