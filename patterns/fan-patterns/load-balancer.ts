/**
 * LoadBalancer strategies for FanOut with `enableLoadBalancing: true`: a dispatcher goroutine asks the strategy which
 * worker gets the next batch, then sends the batch on that worker's own channel. (Without load balancing the workers
 * share one jobs channel and an idle worker simply takes the next batch, which already balances by speed.)
 *
 * A strategy is a small object; write your own as `{ name: 'mine', pick: (loads) => ... }`.
 */

/**
 * LoadBalancer chooses a worker for each batch.
 *
 * @example
 * // The last idle worker, else worker 0.
 * const lastIdle: LoadBalancer = { name: 'last-idle', pick: (loads) => Math.max(0, loads.lastIndexOf(0)) };
 * const fan = new FanOut<number, number>({ workerCount: 4, enableLoadBalancing: true, loadBalancer: lastIdle });
 */
export interface LoadBalancer {
  /** name is shown in FanOut's metrics. */
  readonly name: string;
  /**
   * pick returns the index of the worker that gets the next batch. `loads[i]` is the number of items assigned to
   * worker i and not finished yet (queued in its channel or running); `size` is the batch's item count. It must
   * return an integer in [0, loads.length): anything else fails the call with InvalidArgumentError.
   */
  pick(loads: readonly number[], size: number): number;
}

/**
 * roundRobin hands batches to the workers in turn (0, 1, 2, ...), whatever their load: the dispatcher waits for the
 * worker whose turn it is, so one slow worker holds up the rest. Deterministic; each call to roundRobin() has its
 * own turn counter.
 *
 * @example
 * const fanOut = new FanOut<number, number>({ workerCount: 3, enableLoadBalancing: true, loadBalancer: roundRobin() });
 * fanOut.setLoadBalancer(roundRobin()); // or change it later
 */
export function roundRobin(): LoadBalancer {
  let next = 0;
  return {
    name: 'round-robin',
    pick(loads) {
      const w = next % loads.length;
      next = w + 1;
      return w;
    },
  };
}

/**
 * leastLoaded gives each batch to the worker with the fewest unfinished items (the lowest index on a tie), so a
 * worker stuck on a slow item gets no more work while others are free. The default strategy.
 *
 * @example
 * const fanOut = new FanOut<number, number>({ workerCount: 3, enableLoadBalancing: true, loadBalancer: leastLoaded() });
 */
export function leastLoaded(): LoadBalancer {
  return {
    name: 'least-loaded',
    pick(loads) {
      let best = 0;
      for (let i = 1; i < loads.length; i++) if (loads[i]! < loads[best]!) best = i;
      return best;
    },
  };
}
