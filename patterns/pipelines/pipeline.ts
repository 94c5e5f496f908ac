/**
 * Pipeline is the seed's pipeline builder: a typed chain of PipelineStages (addStage, addFilter) and three ways to
 * run it (process, processStream, processBatch). Each run is goroutines connected by channels (run.ts): backpressure
 * comes from the channels, memory from the window of items in flight, order from sequence numbers.
 *
 * Config (every option validated; a bad one is InvalidArgumentError naming it and the value):
 *   name                  the pipeline's name                                      default `Pipeline-<n>`
 *   ordered               deliver outputs in source order                          default true
 *   failFast              end the run at the first failed item instead of dead-lettering it   default false
 *   concurrency           default concurrency of the stages added                  default 1
 *   bufferSize            default bufferSize of the stages added                   default 16
 *   retryAttempts         default retryAttempts of the stages added                default 0
 *   deadLetterBufferSize  capacity of `deadLetters`; a full one drops (counted)    default 1024
 *   enableMetrics, errorHandler  as BasePattern (errorHandler gets every failed item's error)
 */
import type { Readable } from 'node:stream';
import { chan, type Chan, type RecvChan, type Context, InvalidArgumentError } from '../../runtime/index.js';
import { BasePattern, type PatternConfig } from '../core/base-pattern.js';
import type { Cancel } from '../core/cancel.js';
import { bool, func, misplaced, nonNegativeInt, options, positiveInt, show } from '../core/option-checks.js';
import type { PatternMetrics } from '../core/metrics.js';
import { PatternStoppedError } from '../core/lifecycle.js';
import { type DeadLetter, PipelineFilteredError } from './pipeline-errors.js';
import { type Run, runStages } from './run.js';
import { DROP, type Drop } from './processor.js';
import {
  PipelineStage,
  type PipelineStageConfig,
  STAGE_KEYS,
  STAGE_OPTION_KEYS,
  type StageMetrics,
  type StageOptions,
} from './stage.js';

/**
 * PipelineConfig is Pipeline's configuration; every field is optional in the constructor.
 *
 * @example
 * const config: Partial<PipelineConfig> = { name: 'ingest', concurrency: 4, ordered: false, bufferSize: 64, deadLetterBufferSize: 100 };
 * const p = new Pipeline<string>(config);
 */
export interface PipelineConfig extends Omit<PatternConfig, 'maxConcurrency' | 'timeout'> {
  ordered: boolean;
  failFast: boolean;
  concurrency: number;
  bufferSize: number;
  deadLetterBufferSize: number;
}

/**
 * PipelineMetrics adds the dead-letter counts, the goroutines alive and each stage's metrics to PatternMetrics.
 *
 * @example
 * const m: PipelineMetrics = pipeline.getMetrics();
 * for (const s of m.stages) console.log(s.name, s.completed, s.throughput.toFixed(1));
 * console.log('dead letters', m.deadLettered, 'in flight', m.inFlight);
 */
export interface PipelineMetrics extends PatternMetrics {
  readonly deadLettered: number;
  readonly deadLettersDropped: number;
  readonly activeRuns: number;
  readonly activeGoroutines: number;
  /** inFlight counts the items pulled from sources and not yet delivered or discarded, over the runs in progress. */
  readonly inFlight: number;
  readonly stages: readonly StageMetrics[];
}

const OWNER = 'Pipeline';

/** PIPELINE_KEYS are the keys of PipelineConfig. */
const PIPELINE_KEYS: readonly string[] = Object.freeze([
  'name',
  'retryAttempts',
  'enableMetrics',
  'errorHandler',
  'ordered',
  'failFast',
  'concurrency',
  'bufferSize',
  'deadLetterBufferSize',
]);

/**
 * Pipeline<TIn, TOut> runs items of type TIn through its stages and yields TOut. Building mutates and returns the
 * pipeline retyped, so a chain reads top to bottom; a run uses the stages present when it starts.
 *
 * Blocking and cancel: every run takes an optional Context or AbortSignal; canceling it (or `stop()`) stops every
 * goroutine of the run, and the run rejects with the cancellation's cause. Processors get a ctx to stop early.
 *
 * @example
 * const p = new Pipeline<string>()
 *   .addStage('parse', (s) => JSON.parse(s) as { n: number }, { concurrency: 2 })
 *   .addFilter((x) => x.n > 0)
 *   .addStage('double', (x) => x.n * 2);
 * for await (const y of p.processStream(lines)) console.log(y);
 */
export class Pipeline<TIn, TOut = TIn> extends BasePattern {
  #dl: Chan<DeadLetter>;
  #dlClosed = false;
  readonly #dlCap: number;
  readonly #stages: PipelineStage<never, unknown>[] = [];
  readonly #runs = new Set<Run<unknown>>();
  readonly #ordered: boolean;
  readonly #failFast: boolean;
  readonly #concurrency: number;
  readonly #bufferSize: number;
  #deadLettered = 0;
  #dropped = 0;

  /** constructor validates `config`; throws InvalidArgumentError naming a bad option and its value. */
  constructor(config?: Partial<PipelineConfig>) {
    for (const k of ['maxConcurrency', 'timeout']) misplaced(OWNER, config, k, 'is a stage option, not a pipeline option');
    const c = options(OWNER, config, PIPELINE_KEYS) as Partial<PipelineConfig> & Partial<PatternConfig>;
    super(c, PIPELINE_KEYS);
    this.#ordered = bool(OWNER, 'ordered', c.ordered ?? true);
    this.#failFast = bool(OWNER, 'failFast', c.failFast ?? false);
    this.#concurrency = positiveInt(OWNER, 'concurrency', c.concurrency ?? 1);
    this.#bufferSize = nonNegativeInt(OWNER, 'bufferSize', c.bufferSize ?? 16);
    this.#dlCap = nonNegativeInt(OWNER, 'deadLetterBufferSize', c.deadLetterBufferSize ?? 1024);
    this.#dl = chan<DeadLetter>(this.#dlCap);
    this.#startNow();
  }

  /**
   * addStage appends a stage: `addStage(name, processor, options?)`, the seed's `addStage({ name, processor,
   * concurrency, bufferSize })`, or a PipelineStage. Options left out take the pipeline's defaults (concurrency,
   * bufferSize, retryAttempts, errorHandler). Throws InvalidArgumentError for a bad stage or option.
   */
  addStage<TNext>(
    name: string,
    processor: (input: TOut, ctx: Context) => TNext | Drop | Promise<TNext | Drop>,
    options?: Partial<StageOptions>,
  ): Pipeline<TIn, TNext>;
  addStage<TNext>(stage: PipelineStageConfig<TOut, TNext> | PipelineStage<TOut, TNext>): Pipeline<TIn, TNext>;
  addStage<TNext>(
    a: string | PipelineStageConfig<TOut, TNext> | PipelineStage<TOut, TNext>,
    processor?: (input: TOut, ctx: Context) => TNext | Drop | Promise<TNext | Drop>,
    opts?: Partial<StageOptions>,
  ): Pipeline<TIn, TNext> {
    let stage: PipelineStage<TOut, TNext>;
    if (a instanceof PipelineStage) stage = a;
    else if (typeof a === 'string') {
      const o = options(`${OWNER}.addStage`, opts, STAGE_OPTION_KEYS);
      stage = this.#stage({ ...o, name: a, processor: processor! });
    } else stage = this.#stage(options(`${OWNER}.addStage`, a, STAGE_KEYS) as PipelineStageConfig<TOut, TNext>);
    this.#stages.push(stage as PipelineStage<never, unknown>);
    return this as unknown as Pipeline<TIn, TNext>;
  }

  /**
   * addFilter appends a stage that keeps the items for which `predicate` returns true (or a promise of true) and
   * drops the others silently. `opts` as for addStage, plus `name` (default `filter-<n>`).
   */
  addFilter(predicate: (input: TOut, ctx: Context) => boolean | Promise<boolean>, opts?: Partial<StageOptions> & { name?: string }): Pipeline<TIn, TOut> {
    func(`${OWNER}.addFilter`, 'predicate', predicate);
    const o = options(`${OWNER}.addFilter`, opts, [...STAGE_OPTION_KEYS, 'name']);
    const keep = (x: TOut, ctx: Context): TOut | Drop | Promise<TOut | Drop> => {
      const k = predicate(x, ctx);
      return typeof k === 'boolean' ? (k ? x : DROP) : Promise.resolve(k).then((b) => (b ? x : DROP));
    };
    return this.addStage<TOut>({ name: `filter-${this.#stages.length}`, ...o, processor: keep });
  }

  /**
   * deadLetters receives `{ item, stage, error }` for each item that failed a stage (when failFast is off). Sends
   * never block a run: a dead letter that finds the channel full is dropped and counted (deadLettersDropped), and
   * still reaches errorHandler. stop() closes it, so `for await (const d of p.deadLetters)` ends; a restarted
   * pipeline has a new one.
   */
  get deadLetters(): RecvChan<DeadLetter> {
    return this.#dl;
  }

  /** stages are the pipeline's stages, in order. */
  get stages(): readonly PipelineStage<unknown, unknown>[] {
    return this.#stages as unknown as readonly PipelineStage<unknown, unknown>[];
  }

  /** activeGoroutines counts the goroutines of all runs in progress (0 once every run has ended). */
  get activeGoroutines(): number {
    let n = 0;
    for (const r of this.#runs) n += r.live;
    return n;
  }

  /**
   * process runs one item through every stage and resolves with its output. Rejects with PipelineStageError if a
   * stage fails it (it is not dead-lettered: the caller gets the error), PipelineFilteredError if a filter drops it,
   * the cancel's cause if canceled, PatternStoppedError after stop().
   */
  async process(input: TIn, cancel?: Cancel): Promise<TOut> {
    const out = await this.#run<TOut>([input], cancel, true).collect();
    if (out.length === 0) throw new PipelineFilteredError(input);
    return out[0]!;
  }

  /**
   * processStream returns an AsyncIterable of the outputs of `source`'s items. Each `for await` over it starts a run
   * (goroutines start at the first next()); the source is pulled only as fast as the stages and the consumer go.
   * The source may be any iterable: an array, a generator, an async generator, a channel, readline's lines, or a
   * Node Readable (read with read() on demand, so a slow pipeline pauses the stream; its items are the stream's
   * chunks: objects in object mode, Buffers or strings in byte mode).
   * Iteration ends when the source ends; it throws the source's error (a Readable's 'error'), the fail-fast
   * PipelineStageError, or the cancel's cause. Breaking out of the loop cancels the run, calls the source iterator's
   * return() (destroys a Readable, at once even if a read is pending), and waits for every goroutine of the run to
   * return. Throws InvalidArgumentError at once if `source` is not iterable.
   *
   * @example
   * const lines = createInterface({ input: createReadStream('orders.csv') });
   * for await (const order of pipeline.processStream(lines, ctx)) console.log(order);
   */
  processStream(source: AsyncIterable<TIn> | Iterable<TIn> | Readable, cancel?: Cancel): AsyncIterable<TOut> {
    this.#usable();
    checkSource(source);
    checkCancel(cancel);
    return { [Symbol.asyncIterator]: () => this.#run<TOut>(source, cancel, this.#failFast) };
  }

  /**
   * processBatch runs `inputs` and resolves with the outputs in input order (without the filtered items, and without
   * the failed ones, which go to deadLetters; with failFast it rejects with PipelineStageError instead). It never
   * throws: bad arguments (InvalidArgumentError) and a stopped pipeline (PatternStoppedError) are a rejection.
   */
  processBatch(inputs: readonly TIn[], cancel?: Cancel): Promise<TOut[]> {
    try {
      if (!Array.isArray(inputs)) throw new InvalidArgumentError(`${OWNER}.processBatch: inputs must be an array, got ${show(inputs)}`);
      checkCancel(cancel);
      return this.#run<TOut>(inputs, cancel, this.#failFast).collect();
    } catch (e) {
      return Promise.reject(e);
    }
  }

  /**
   * getMetrics: started counts items pulled from sources, completed items delivered, failed items dead-lettered;
   * inFlight the items held by the runs in progress (the memory in use, bounded by each run's window).
   */
  override getMetrics(): PipelineMetrics {
    return {
      ...super.getMetrics(),
      deadLettered: this.#deadLettered,
      deadLettersDropped: this.#dropped,
      activeRuns: this.#runs.size,
      activeGoroutines: this.activeGoroutines,
      inFlight: [...this.#runs].reduce((n, r) => n + r.inFlight, 0),
      stages: this.#stages.map((s) => s.getMetrics()),
    };
  }

  override resetMetrics(): void {
    super.resetMetrics();
    this.#deadLettered = this.#dropped = 0;
  }

  protected onStart(): void {
    if (this.#dlClosed) {
      this.#dl = chan<DeadLetter>(this.#dlCap);
      this.#dlClosed = false;
    }
  }

  /** startNow makes the pattern running from construction (stop() ends it, start() restarts it). */
  #startNow(): void {
    void this.lifecycle.start();
  }

  /**
   * onStop cancels every run in progress (they reject with PatternStoppedError), waits for their goroutines, and
   * closes deadLetters.
   */
  protected async onStop(): Promise<void> {
    const runs = [...this.#runs];
    for (const r of runs) r.fail(new PatternStoppedError(this.config.name, 'stopping'));
    await Promise.all(runs.map((r) => r.return()));
    this.#dl.close();
    this.#dlClosed = true;
  }

  #usable(): void {
    const s = this.lifecycle.state;
    if (s === 'stopping' || s === 'stopped') this.lifecycle.ensureRunning();
  }

  #run<O>(source: Iterable<unknown> | AsyncIterable<unknown>, cancel: Cancel, failFast: boolean): Run<O> {
    this.#usable();
    checkCancel(cancel);
    const run = runStages<O>(this.#stages, source, {
      ordered: this.#ordered,
      failFast,
      cancel,
      onDeadLetter: (d) => this.#deadLetter(d),
      onPull: () => void this.counters.started++,
      onDeliver: () => void this.counters.completed++,
      onEnd: (r) => this.#runs.delete(r),
    });
    this.#runs.add(run as Run<unknown>);
    return run;
  }

  #deadLetter(d: DeadLetter): void {
    this.#deadLettered++;
    this.counters.failed++;
    if (!this.#dl.trySend(d)) this.#dropped++;
  }

  #stage<I, O>(c: PipelineStageConfig<I, O>): PipelineStage<I, O> {
    return new PipelineStage<I, O>({
      concurrency: this.#concurrency,
      bufferSize: this.#bufferSize,
      retryAttempts: this.config.retryAttempts,
      enableMetrics: this.config.enableMetrics,
      errorHandler: (e) => this.handleError(e),
      ...c,
    });
  }
}

function checkSource(source: unknown): void {
  const s = source as { [Symbol.asyncIterator]?: unknown; [Symbol.iterator]?: unknown } | null;
  if (s === null || (typeof s !== 'object' && typeof s !== 'function') || (typeof s[Symbol.asyncIterator] !== 'function' && typeof s[Symbol.iterator] !== 'function')) {
    throw new InvalidArgumentError(`${OWNER}.processStream: source must be an AsyncIterable or Iterable, got ${show(source)}`);
  }
}

function checkCancel(c: unknown): void {
  if (c === undefined || c instanceof AbortSignal) return;
  if (typeof c !== 'object' || c === null || typeof (c as Context).done !== 'function') {
    throw new InvalidArgumentError(`${OWNER}: cancel must be a Context or an AbortSignal, got ${show(c)}`);
  }
}
