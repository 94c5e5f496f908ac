/**
 * FanPattern combines the two halves: process() is FanOut.distribute, and processStream() is an ordered run
 * (core/ordered-run.ts, the engine pipelines run on too) whose goroutines are the workers, merged by a FanIn:
 *
 *   source ──feeder──▶ jobs (cap workerCount) ──▶ worker 0..N-1 ──out w──▶ FanIn ──▶ reorder ──▶ consumer
 *                 └─ tokens (cap reorderWindow): at most reorderWindow items between the feeder and the consumer
 *
 * Each item carries a sequence number; in ordered mode the consumer holds early results until their turn, and the
 * token channel bounds how many it can hold (the feeder takes a token per item, the consumer gives it back when the
 * item is emitted), so memory stays bounded whatever the processors' speed. A worker turns its item's envelope into
 * the item's Result (a failure is a result too, reported in order by the consumer).
 */
import { InvalidArgumentError, type RecvChan } from '../../runtime/index.js';
import { BasePattern } from '../core/base-pattern.js';
import type { Cancel } from '../core/cancel.js';
import { func, nonNegativeInt, options, pick, positiveInt, show } from '../core/option-checks.js';
import type { Envelope } from '../core/feeder.js';
import { PatternStoppedError } from '../core/lifecycle.js';
import type { PatternMetrics } from '../core/metrics.js';
import { OrderedRun } from '../core/ordered-run.js';
import { FanItemError } from './fan-errors.js';
import { FAN_OUT_KEYS, resolveFanOutOptions, type FanOutConfig, type FanOutOptions } from './fan-config.js';
import { FanIn } from './fan-in.js';
import { FanOut, type FanOutMetrics } from './fan-out.js';
import type { FanInInput } from './merge-strategy.js';
import { runItem, type Processor } from './run-item.js';

/**
 * FanPatternConfig is FanOutConfig plus the stream's buffers.
 *
 * @example
 * const config: Partial<FanPatternConfig> = { workerCount: 4, reorderWindow: 16, bufferSize: 4 };
 * const fan = new FanPattern<string, number>(config);
 */
export interface FanPatternConfig extends FanOutConfig {
  /** bufferSize: capacity of the merged channel of a stream. Default 0. */
  bufferSize: number;
  /** reorderWindow: most items in flight in a stream (and held for reordering). Default 4 * workerCount. */
  reorderWindow: number;
}

/**
 * FanPatternMetrics: the stream's counters, with the FanOut's metrics (process calls) beside them.
 *
 * @example
 * const m: FanPatternMetrics = fan.getMetrics();
 * console.log(`${m.activeStreams} streams, ${m.fanOut.completed} items through process()`);
 */
export interface FanPatternMetrics extends PatternMetrics {
  readonly fanOut: FanOutMetrics;
  readonly activeStreams: number;
}

/** Result is a worker's outcome for the item with sequence number `seq`. */
type Result<T> = { seq: number; ok: true; value: T } | { seq: number; ok: false; error: unknown };

/** FAN_PATTERN_KEYS are the keys of FanPatternConfig. */
const FAN_PATTERN_KEYS: readonly string[] = Object.freeze([...FAN_OUT_KEYS, 'bufferSize', 'reorderWindow']);

/**
 * FanPattern processes items in parallel on `workerCount` goroutines, as a whole array (process) or as a stream
 * (processStream). Options are FanOut's (see fan-config.ts) plus bufferSize and reorderWindow. It is running once
 * constructed; stop() ends the calls and streams in progress (PatternStoppedError).
 *
 * @example
 * const fan = new FanPattern<string, number>({ workerCount: 4 });
 * let total = 0;
 * for await (const n of fan.processStream(lines, async (l) => l.length)) total += n; // lines: any FanInInput<string>
 */
export class FanPattern<TIn, TOut> extends BasePattern {
  readonly #fanOut: FanOut<TIn, TOut>;
  readonly #o: FanOutOptions & { bufferSize: number; reorderWindow: number };
  readonly #streams = new Set<OrderedRun<unknown>>();

  constructor(config?: Partial<FanPatternConfig>) {
    super(config, FAN_PATTERN_KEYS);
    const owner = this.constructor.name;
    const o = options(owner, config, FAN_PATTERN_KEYS);
    const fo = resolveFanOutOptions(owner, config, this.config, FAN_PATTERN_KEYS);
    this.#o = {
      ...fo,
      bufferSize: nonNegativeInt(owner, 'bufferSize', o.bufferSize ?? 0),
      reorderWindow: positiveInt(owner, 'reorderWindow', o.reorderWindow ?? 4 * fo.workerCount),
    };
    this.#fanOut = new FanOut<TIn, TOut>({ ...pick(config, FAN_OUT_KEYS), ...fo, name: `${this.config.name}.fanOut` });
    void this.start();
  }

  /** process is FanOut.distribute: every item through `processor`, results in input order by default. */
  process(inputs: readonly TIn[], processor: Processor<TIn, TOut>, cancel?: Cancel): Promise<TOut[]> {
    try {
      this.#admit();
    } catch (e) {
      return Promise.reject(e); // a promise-returning call never throws
    }
    return this.#fanOut.distribute(inputs, processor, cancel);
  }

  /**
   * processStream runs `processor` over a channel or AsyncIterable on the workers and yields the outputs, in input
   * order unless `ordered: false`. Lazy: the goroutines start when iteration starts; iterate it once. Blocking:
   * backpressure all the way back to the source (the consumer not pulling stops the workers, then the feeder).
   * Breaking out of the loop, cancel, or stop() ends every goroutine; processors get the context as second
   * argument and are abandoned, not awaited. Errors: fail-fast throws the first failed item's error (in order, after
   * the outputs before it); 'collect' skips failed items (errorHandler gets a FanItemError with the index). An error
   * thrown by the source, or cancel, is thrown by the loop after the outputs already produced.
   */
  processStream(source: FanInInput<TIn>, processor: Processor<TIn, TOut>, cancel?: Cancel): AsyncIterable<TOut> {
    const owner = this.constructor.name;
    this.#admit();
    if (typeof source !== 'object' || source === null || typeof source[Symbol.asyncIterator] !== 'function') {
      throw new InvalidArgumentError(`${owner}: source must be a channel or an AsyncIterable, got ${show(source)}`);
    }
    func(owner, 'processor', processor);
    return { [Symbol.asyncIterator]: () => this.#stream(source, processor, cancel) };
  }

  /** getWorkerLoads is the FanOut's (process calls). */
  getWorkerLoads(): Map<number, number> {
    return this.#fanOut.getWorkerLoads();
  }

  override getMetrics(): FanPatternMetrics {
    return { ...super.getMetrics(), fanOut: this.#fanOut.getMetrics(), activeStreams: this.#streams.size };
  }

  override resetMetrics(): void {
    super.resetMetrics();
    this.#fanOut.resetMetrics();
  }

  protected async onStart(): Promise<void> {
    await this.#fanOut.start();
  }

  protected async onStop(): Promise<void> {
    const streams = [...this.#streams];
    for (const s of streams) s.fail(new PatternStoppedError(this.config.name, 'stopping'));
    await Promise.all([this.#fanOut.stop(), ...streams.map((s) => s.return())]);
  }

  #admit(): void {
    const state = this.lifecycle.state;
    if (state === 'stopping' || state === 'stopped') throw new PatternStoppedError(this.config.name, state);
  }

  async *#stream(source: FanInInput<TIn>, processor: Processor<TIn, TOut>, cancel: Cancel): AsyncGenerator<TOut> {
    const o = this.#o;
    const fanIn = new FanIn<Envelope>({ bufferSize: o.bufferSize });
    const run = new OrderedRun<Result<TOut>>(
      source,
      { ordered: o.ordered, cancel, window: o.reorderWindow, firstCap: o.workerCount },
      (r, jobs) => this.#workers(r, jobs, fanIn, processor),
    );
    this.#streams.add(run);
    try {
      for await (const res of run) {
        this.counters.started++;
        if (res.ok) {
          this.record(true, 0);
          yield res.value;
        } else {
          this.record(false, 0);
          this.handleError(new FanItemError(res.seq, res.error));
          if (o.errorMode === 'fail-fast') throw res.error;
        }
      }
    } finally {
      await run.return();
      await fanIn.stop();
      this.#streams.delete(run);
    }
  }

  /** #workers starts the workers of a stream, each with its own output channel, and returns the FanIn's merge. */
  #workers(run: OrderedRun<unknown>, jobs: RecvChan<Envelope>, fanIn: FanIn<Envelope>, processor: Processor<TIn, TOut>): RecvChan<Envelope> {
    const o = this.#o;
    const ctx = run.ctx;
    // a worker's channel holds its share of the window, so a worker rarely parks on it (tokens bound the total)
    const share = Math.max(1, Math.ceil(o.reorderWindow / o.workerCount));
    for (let w = 0; w < o.workerCount; w++) {
      const out = run.chan<Envelope>(share);
      fanIn.addInput(out);
      run.spawn(async () => {
        try {
          for (;;) {
            const r = jobs.tryRecv() ?? (await jobs.recvOk());
            if (!r.ok || ctx.err() !== null) return;
            const env = r.value!;
            const seq = env.seq;
            try {
              env.value = { seq, ok: true, value: await runItem(processor, env.value as TIn, seq, ctx, this.config.timeout, true) };
            } catch (error) {
              if (ctx.err() !== null) return;
              env.value = { seq, ok: false, error };
            }
            if (!out.trySend(env)) await out.send(env);
          }
        } finally {
          out.close();
        }
      });
    }
    return fanIn.merge(ctx);
  }
}
