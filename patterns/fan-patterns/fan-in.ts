/**
 * FanIn merges many inputs (channels or AsyncIterables) into one channel: Go's merge pattern, one forwarder
 * goroutine per input sending into a shared output that the last forwarder closes; or, with a merge strategy
 * ('priority', a custom MergeStrategy), a merger goroutine that chooses among the inputs' ready values. See
 * merge-run.ts for the goroutines and their invariants.
 */
import { type RecvChan, chan, InvalidArgumentError } from '../../runtime/index.js';
import { BasePattern, PATTERN_KEYS, type PatternConfig } from '../core/base-pattern.js';
import { toContext, type Cancel } from '../core/cancel.js';
import { nonNegativeInt, options, show } from '../core/option-checks.js';
import { PatternStoppedError } from '../core/lifecycle.js';
import type { PatternMetrics } from '../core/metrics.js';
import { FanItemError } from './fan-errors.js';
import { MergeRun, type Entry } from './merge-run.js';
import { priorityMerge, type FanInInput, type MergeStrategy } from './merge-strategy.js';

/**
 * MergeStrategyOption names a built-in strategy or gives a custom one ('custom' in the seed).
 *
 * @example
 * const strategy: MergeStrategyOption<number> = urgentFirst ? 'priority' : 'round-robin';
 * const fanIn = new FanIn<number>({ mergeStrategy: strategy });
 */
export type MergeStrategyOption<T> = 'round-robin' | 'priority' | MergeStrategy<T>;

/**
 * FanInConfig is the seed's FanInConfig plus PatternConfig. `timeout` (ms, default Infinity) ends a merge in which no
 * input delivered a value for that long (FanInTimeoutError as err()).
 *
 * @example
 * const config: Partial<FanInConfig<string>> = { name: 'events', bufferSize: 64, mergeStrategy: 'priority', timeout: 30_000 };
 * const fanIn = new FanIn<string>(config);
 */
export interface FanInConfig<T = unknown> extends PatternConfig {
  /** bufferSize: capacity of the output channel. Default 0 (unbuffered, as Go's merge). */
  bufferSize: number;
  /** mergeStrategy: what merge() uses. Default 'round-robin'. */
  mergeStrategy: MergeStrategyOption<T>;
}

/**
 * FanInMetrics adds the fan-in's figures to PatternMetrics (`completed` counts values delivered to the output).
 *
 * @example
 * const m: FanInMetrics = fanIn.getMetrics();
 * console.log(m.strategy, m.inputs, m.delivered); // e.g. round-robin 2 [ 10, 7 ]
 */
export interface FanInMetrics extends PatternMetrics {
  readonly inputs: number;
  readonly merging: boolean;
  readonly strategy: string;
  /** delivered is the values sent to the output by each current input, in the order they were added. */
  readonly delivered: readonly number[];
  readonly inputsEnded: number;
  readonly inputsRemoved: number;
}

/** FAN_IN_KEYS are the keys of FanInConfig. */
const FAN_IN_KEYS: readonly string[] = Object.freeze([...PATTERN_KEYS, 'bufferSize', 'mergeStrategy']);

/**
 * FanIn is Go's merge: it combines input channels (or async iterables) into one channel, in arrival order, round
 * robin, by priority, or by a strategy of your own; the output closes when every input has, or at the cancel.
 * The output is a RecvChan, so `for await` works on it. A FanIn is running once constructed; stop() ends a merge in
 * progress and refuses new inputs and merges until start().
 *
 * Inputs may be added and removed while a merge runs. An input that ends (closed channel, finished iterable) leaves
 * the FanIn; one that throws leaves it too, its error going to errorHandler (as a FanItemError whose index is the
 * input's position) and err(), while the merge goes on with the others. The output closes when every input has
 * ended or been removed, on cancel, stop() or idle timeout; err() then says why (undefined if all inputs ended).
 *
 * @example
 * const fanIn = new FanIn<Event>();
 * fanIn.addInput(clicks);
 * fanIn.addInput(keys, { priority: 1 });
 * for await (const e of fanIn.merge(ctx)) handle(e);
 */
export class FanIn<T> extends BasePattern {
  readonly #bufferSize: number;
  readonly #strategy: MergeStrategyOption<T>;
  readonly #inputs: Entry<T>[] = [];
  #order = 0;
  #run: MergeRun<T> | null = null;
  #last: MergeRun<T> | null = null;
  #ended = 0;
  #removed = 0;

  constructor(config?: Partial<FanInConfig<T>>) {
    super(config, FAN_IN_KEYS);
    const owner = this.constructor.name;
    const o = options(owner, config, FAN_IN_KEYS);
    this.#bufferSize = nonNegativeInt(owner, 'bufferSize', o.bufferSize ?? 0);
    this.#strategy = checkStrategy(owner, 'mergeStrategy', o.mergeStrategy ?? 'round-robin');
    void this.start();
  }

  /**
   * addInput registers an input; if a merge is running, its values join the output at once. `priority` (default 0)
   * ranks it for the 'priority' strategy. Throws InvalidArgumentError for a non-input, a bad priority or an input
   * already added; PatternStoppedError after stop().
   */
  addInput(input: FanInInput<T>, opts: { priority?: number } = {}): void {
    const owner = this.constructor.name;
    const o = options(`${owner}.addInput`, opts, ['priority']);
    this.#admit();
    if (!isInput(input)) throw new InvalidArgumentError(`${owner}: input must be a channel or an AsyncIterable, got ${show(input)}`);
    const priority = o.priority ?? 0;
    if (typeof priority !== 'number' || !Number.isFinite(priority)) {
      throw new InvalidArgumentError(`${owner}: priority must be a finite number, got ${show(priority)}`);
    }
    if (this.#inputs.some((e) => e.input === input)) throw new InvalidArgumentError(`${owner}: input already added`);
    const e: Entry<T> = { input, priority, order: this.#order++, quit: chan<never>(), removed: false, delivered: 0 };
    this.#inputs.push(e);
    if (this.#run !== null) this.#run.add(e);
  }

  /**
   * removeInput stops merging `input` and reports whether it was added. It does not block: the input's forwarder
   * still delivers the value it already took (if any), then stops; what it did not take stays in the input (an
   * AsyncIterable is closed with return() once its pending next() has settled). So nothing is lost or duplicated,
   * and a consumer may remove an input from inside its own receive loop.
   */
  removeInput(input: FanInInput<T>): boolean {
    const i = this.#inputs.findIndex((e) => e.input === input);
    if (i < 0) return false;
    const [e] = this.#inputs.splice(i, 1);
    e!.removed = true;
    e!.quit.close();
    this.#removed++;
    this.#run?.poke();
    return true;
  }

  /** merge merges every input with the configured strategy (see mergeWithStrategy). */
  merge(cancel?: Cancel): RecvChan<T> {
    return this.mergeWithStrategy(this.#strategy, cancel);
  }

  /**
   * mergeWithStrategy starts merging and returns the output channel. 'round-robin' is Go's merge (values in arrival
   * order; ready inputs alternate); 'priority' and custom strategies go through a merger goroutine. Cancel: the merge
   * ends and the output closes (err() is the cause); values the goroutines hold are dropped. Throws
   * InvalidArgumentError while another merge of this FanIn runs.
   */
  mergeWithStrategy(strategy: MergeStrategyOption<T>, cancel?: Cancel): RecvChan<T> {
    const owner = this.constructor.name;
    this.#admit();
    const s = checkStrategy(owner, 'strategy', strategy);
    if (this.#run !== null) throw new InvalidArgumentError(`${owner}: a merge is already running; share its channel`);
    const run = new MergeRun<T>(toContext(cancel), this.#bufferSize, strategyOf(s), this.config.timeout, {
      owner,
      delivered: () => this.counters.completed++,
      exhausted: (e, error) => this.#exhausted(e, error),
      ended: (r) => {
        if (this.#run === r) this.#run = null;
      },
    });
    this.#run = this.#last = run;
    run.begin([...this.#inputs]);
    return run.out;
  }

  /** getInputCount is the number of inputs added and not yet ended or removed. */
  getInputCount(): number {
    return this.#inputs.length;
  }

  /** err is why the last merge ended early: an input's error, the cancel cause, FanInTimeoutError; else undefined. */
  err(): unknown {
    return this.#last?.err();
  }

  override getMetrics(): FanInMetrics {
    const s = this.#strategy;
    return {
      ...super.getMetrics(),
      inputs: this.#inputs.length,
      merging: this.#run !== null,
      strategy: typeof s === 'string' ? s : s.name,
      delivered: this.#inputs.map((e) => e.delivered),
      inputsEnded: this.#ended,
      inputsRemoved: this.#removed,
    };
  }

  protected onStart(): void {}

  /** onStop ends the merge in progress and waits until its goroutines have returned. */
  protected async onStop(): Promise<void> {
    const run = this.#run;
    if (run === null) return;
    run.stop(new PatternStoppedError(this.config.name, 'stopping'));
    await run.wg.wait();
  }

  #admit(): void {
    const state = this.lifecycle.state;
    if (state === 'stopping' || state === 'stopped') throw new PatternStoppedError(this.config.name, state);
  }

  #exhausted(e: Entry<T>, error: unknown): void {
    const i = this.#inputs.indexOf(e);
    if (i >= 0) this.#inputs.splice(i, 1);
    this.#ended++;
    if (error !== undefined) this.handleError(new FanItemError(e.order, error));
  }
}

function isInput(x: unknown): x is FanInInput<unknown> {
  return typeof x === 'object' && x !== null && typeof (x as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
}

function checkStrategy<T>(owner: string, option: string, s: unknown): MergeStrategyOption<T> {
  if (s === 'round-robin' || s === 'priority') return s;
  if (typeof s === 'object' && s !== null && typeof (s as MergeStrategy<T>).select === 'function') return s as MergeStrategy<T>;
  throw new InvalidArgumentError(
    `${owner}: ${option} must be "round-robin", "priority" or a MergeStrategy ({ name, select(candidates) }), got ${show(s)}`,
  );
}

function strategyOf<T>(s: MergeStrategyOption<T>): MergeStrategy<T> | null {
  return s === 'round-robin' ? null : s === 'priority' ? priorityMerge<T>() : s;
}
