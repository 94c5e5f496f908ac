/**
 * circuit-breaker: the seed's basic circuit breaker, with a recoveryTimeout of 100 ms instead of 30 s so that the
 * program ends at once. A fake service fails its first 4 calls, then recovers:
 *
 *   calls 1-3 fail and trip the breaker; calls 4-5 are refused without reaching the service;
 *   after 100 ms one probe goes through and fails (the service is still down): the circuit opens again;
 *   after another 100 ms two probes go through (halfOpenMaxRequests: 2), a third caller is turned away at once,
 *   both probes succeed and the circuit closes.
 *
 * Nothing printed depends on the machine's speed: the sleeps only need to last at least recoveryTimeout, and times
 * are not printed. Run: npx tsx examples/patterns/circuit-breaker.ts
 */
import { main, sleep } from '../../runtime/index.js';
import { CircuitBreaker, isBrokenCircuitError, isCircuitHalfOpenError } from '../../patterns/index.js';

/** FakeService answers 'ok' once it has failed `failures` times. */
class FakeService {
  calls = 0;
  constructor(readonly failures: number) {}
  async call(): Promise<string> {
    if (++this.calls <= this.failures) throw new Error('service unavailable');
    return 'ok';
  }
}

main(async () => {
  const externalService = new FakeService(4);
  // Basic circuit breaker (the seed's usage block, with a short recoveryTimeout)
  const circuitBreaker = new CircuitBreaker({
    failureThreshold: 3,
    recoveryTimeout: 100,
    halfOpenMaxRequests: 2,
  });
  const transitions: string[] = [];
  circuitBreaker.onStateChange((c) => transitions.push(`${c.from} -> ${c.to} (${c.reason})`));

  /** attempt makes one call through the breaker and describes what happened. */
  const attempt = async (): Promise<string> => {
    try {
      const result = await circuitBreaker.call(async () => {
        return await externalService.call();
      });
      return `result ${result}`;
    } catch (error) {
      // Circuit breaker will handle the failure
      if (isBrokenCircuitError(error)) return 'refused: circuit open';
      if (isCircuitHalfOpenError(error)) return 'refused: probes already in flight';
      return `failed: ${(error as Error).message}`;
    }
  };

  for (let i = 1; i <= 5; i++) console.log(`call ${i}: ${await attempt()} [${circuitBreaker.getState()}]`);
  console.log(`the service saw ${externalService.calls} calls`);

  await sleep(100);
  console.log(`after 100 ms: ${circuitBreaker.getState()}`);
  console.log(`call 6 (probe): ${await attempt()} [${circuitBreaker.getState()}]`);

  await sleep(100);
  const [a, b, c] = await Promise.all([attempt(), attempt(), attempt()]);
  console.log(`calls 7-9 at once: ${a}; ${b}; ${c} [${circuitBreaker.getState()}]`);
  console.log(`call 10: ${await attempt()} [${circuitBreaker.getState()}]`);

  console.log('transitions:');
  for (const t of transitions) console.log(`  ${t}`);
  const m = circuitBreaker.getMetrics();
  console.log(`metrics: ${m.calls} calls, ${m.successes} successes, ${m.failures} failures, ${m.rejections} refused`);
});

// Output:
// call 1: failed: service unavailable [closed]
// call 2: failed: service unavailable [closed]
// call 3: failed: service unavailable [open]
// call 4: refused: circuit open [open]
// call 5: refused: circuit open [open]
// the service saw 3 calls
// after 100 ms: half-open
// call 6 (probe): failed: service unavailable [open]
// calls 7-9 at once: result ok; result ok; refused: probes already in flight [closed]
// call 10: result ok [closed]
// transitions:
//   closed -> open (failure-threshold)
//   open -> half-open (recovery-timeout)
//   half-open -> open (probe-failure)
//   open -> half-open (recovery-timeout)
//   half-open -> closed (probes-succeeded)
// metrics: 7 calls, 3 successes, 4 failures, 3 refused
