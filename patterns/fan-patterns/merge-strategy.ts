/**
 * MergeStrategy objects for FanIn.mergeWithStrategy: a merger goroutine holds at most one value taken from each
 * input (its "head"), and asks the strategy which ready head goes to the output next. The built-in 'round-robin'
 * string needs no strategy: it is Go's merge (one forwarder per input sending straight to the output, served in
 * FIFO order, so ready inputs alternate).
 *
 * Write your own as `{ name: 'mine', select: (candidates) => index }`.
 */
import type { RecvChan } from '../../runtime/index.js';

/**
 * FanInInput is what FanIn merges: a channel or any AsyncIterable (an async generator, a stream, ...).
 *
 * @example
 * async function* ticks(): AsyncGenerator<number> { yield 1; yield 2; }
 * const c = chan<number>(1);
 * await c.send(0);
 * c.close();
 * const inputs: FanInInput<number>[] = [c, ticks()];
 * const fanIn = new FanIn<number>();
 * for (const i of inputs) fanIn.addInput(i);
 * for await (const v of fanIn.merge()) console.log(v); // 0, 1, 2 in some order
 */
export type FanInInput<T> = RecvChan<T> | AsyncIterable<T>;

/**
 * MergeCandidate is one input with a value ready to go out.
 *
 * @example
 * // Send the value of the ready input added last.
 * const newestFirst: MergeStrategy<string> = {
 *   name: 'newest-first',
 *   select: (candidates: readonly MergeCandidate<string>[]) => candidates.length - 1, // sorted by order
 * };
 */
export interface MergeCandidate<T> {
  readonly input: FanInInput<T>;
  /** priority as given to addInput (default 0; higher goes first with priorityMerge). */
  readonly priority: number;
  /** order is the input's position in order of addInput calls (0 for the first added). */
  readonly order: number;
  readonly value: T;
}

/**
 * MergeStrategy picks which ready input sends next.
 *
 * @example
 * // Send the smallest ready value first.
 * const smallest: MergeStrategy<number> = {
 *   name: 'smallest',
 *   select: (cs) => cs.reduce((best, c, i) => (c.value < cs[best]!.value ? i : best), 0),
 * };
 * for await (const v of fanIn.mergeWithStrategy(smallest)) console.log(v);
 */
export interface MergeStrategy<T> {
  readonly name: string;
  /**
   * select returns the index in `candidates` (never empty; sorted by `order`) of the value to send next. Anything
   * other than an integer in range ends the merge with InvalidArgumentError (FanIn.err()).
   */
  select(candidates: readonly MergeCandidate<T>[]): number;
}

/**
 * priorityMerge sends the ready value of the highest-priority input first (earliest added on a tie): a high
 * priority input that always has data starves the others, as a Go select that polls it first would.
 *
 * @example
 * const fanIn = new FanIn<string>({ mergeStrategy: priorityMerge() });
 * fanIn.addInput(alerts, { priority: 10 });
 * fanIn.addInput(logs);
 * for await (const line of fanIn.merge()) console.log(line); // a ready alert goes out before a ready log
 */
export function priorityMerge<T>(): MergeStrategy<T> {
  return {
    name: 'priority',
    select(cs) {
      let best = 0;
      for (let i = 1; i < cs.length; i++) if (cs[i]!.priority > cs[best]!.priority) best = i;
      return best;
    },
  };
}

/**
 * roundRobinMerge takes the ready inputs strictly in turn by `order` (the first ready input after the one served
 * last), which is deterministic where the 'round-robin' string follows arrival order.
 *
 * @example
 * for await (const v of fanIn.mergeWithStrategy(roundRobinMerge())) console.log(v); // ready inputs strictly in turn, in the order added
 */
export function roundRobinMerge<T>(): MergeStrategy<T> {
  let last = -1;
  return {
    name: 'round-robin',
    select(cs) {
      let i = cs.findIndex((c) => c.order > last);
      if (i < 0) i = 0;
      last = cs[i]!.order;
      return i;
    },
  };
}
