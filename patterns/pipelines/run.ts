/**
 * run: one pass of a source through a list of stages, on the patterns' ordered-run engine (core/ordered-run.ts).
 *
 *   source ──feeder──▶ c0 ──stage 0 (concurrency goroutines)──▶ c1 ──stage 1──▶ ... ──▶ cN ──▶ consumer (next)
 *                 ▲                                                                           │
 *                 └──────────── window: a token channel, one token per item in flight ◀───────┘
 *
 * The engine owns the feeder, the window, the reorder buffer and cancellation; this file owns the stages: the window
 * is the sum over stages of bufferSize + concurrency, stage i's output channel is closed by the last of its
 * goroutines to return, and a filtered or failed item keeps travelling with live = false (later stages pass it on
 * untouched). Sends and receives are plain channel operations (try* first), which is what keeps a stage hop cheap.
 */
import type { Chan, RecvChan, Context } from '../../runtime/index.js';
import type { Cancel } from '../core/cancel.js';
import type { Envelope, FeedSource } from '../core/feeder.js';
import { OrderedRun } from '../core/ordered-run.js';
import { type DeadLetter, PipelineStageError } from './pipeline-errors.js';
import { DROP } from './processor.js';

/** Run is one pass over a source through the stages (core/ordered-run.ts). */
export type Run<O> = OrderedRun<O>;

/** RunOptions say how a run treats order and failures. */
export interface RunOptions {
  readonly ordered: boolean;
  readonly failFast: boolean;
  readonly cancel: Cancel;
  /** onDeadLetter receives each failed item when failFast is off. */
  readonly onDeadLetter: ((d: DeadLetter) => void) | null;
  /** onPull is told of each item pulled from the source (for the pipeline's metrics). */
  readonly onPull?: (() => void) | undefined;
  /** onDeliver is told of each item delivered (for the pipeline's metrics). */
  readonly onDeliver?: (() => void) | undefined;
  /** onEnd is called once when the run is over (its goroutines all returned). */
  readonly onEnd?: ((run: Run<unknown>) => void) | undefined;
}

/**
 * RunStage is what a run needs of a stage (PipelineStage is one): its shape, and the accounting and call of one item
 * (begin, then call, then end or fail).
 */
export interface RunStage {
  readonly name: string;
  readonly concurrency: number;
  readonly bufferSize: number;
  begin(): number;
  call(input: never, ctx: Context): unknown;
  end(t0: number): void;
  fail(t0: number, e: unknown, ctx: Context): void;
}

/** Stage is a RunStage as the run drives it: with the items of its input channel. */
interface Stage extends Omit<RunStage, 'call'> {
  call(input: unknown, ctx: Context): unknown;
}

type Stages = readonly Stage[];

/** runStages starts a run of `source` through `stages`. */
export function runStages<O>(stages: readonly RunStage[], source: FeedSource, opts: RunOptions): Run<O> {
  const all = stages as unknown as Stages;
  let window = 0;
  for (const s of all) window += s.bufferSize + s.concurrency;
  const firstCap = all[0]?.bufferSize ?? 0;
  return new OrderedRun<O>(source, { ...opts, window, firstCap }, (run, c0) => {
    let input = c0;
    for (const s of all) {
      const from = input;
      const output = run.chan<Envelope>(s.bufferSize);
      let left = s.concurrency;
      const closeWhenLast = (): void => {
        if (--left === 0) output.close();
      };
      for (let i = 0; i < s.concurrency; i++) run.spawn(() => work(run, s, from, output, opts).finally(closeWhenLast));
      input = output;
    }
    return input;
  });
}

/** work is one of a stage's goroutines: receive, process, send on, until the input closes or the run is canceled. */
async function work(
run: OrderedRun<unknown>,
stage: Stage,
input: RecvChan<Envelope>,
output: Chan<Envelope>,
opts: RunOptions,
): Promise<void> {
  const ctx: Context = run.ctx;
  for (;;) {
    const r = input.tryRecv() ?? (await input.recvOk());
    if (!r.ok || ctx.err() !== null) return;
    const env = r.value!;
    if (env.live) {
      const item = env.value;
      const t0 = stage.begin();
      try {
        let out = stage.call(item, ctx);
        if (out instanceof Promise) out = await out;
        stage.end(t0);
        if (out === DROP) env.live = false;
        else env.value = out;
      } catch (e) {
        stage.fail(t0, e, ctx);
        if (ctx.err() !== null) return;
        env.live = false;
        env.value = undefined;
        if (opts.failFast || opts.onDeadLetter === null) {
          run.fail(new PipelineStageError(stage.name, item, e));
          return;
        }
        opts.onDeadLetter({ item, stage: stage.name, error: e });
      }
    }
    if (!output.trySend(env)) await output.send(env);
  }
}
