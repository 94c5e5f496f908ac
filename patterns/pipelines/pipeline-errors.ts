/**
 * The pipelines' expected failures. A stage that fails an item (after its retries) either sends a DeadLetter and
 * lets the rest flow on, or, with `failFast`, ends the whole run with PipelineStageError. `process(input)` rejects
 * with PipelineFilteredError when a filter dropped its one item.
 */
import { PatternError, hasCode } from '../core/pattern-error.js';

/**
 * DeadLetter is what a failing item leaves on `Pipeline.deadLetters`: the item as the stage received it.
 *
 * @example
 * const p = new Pipeline<string>().addStage('parse', (s) => JSON.parse(s) as number);
 * await p.processBatch(['1', '{oops', '2']); // [1, 2]
 * const d: DeadLetter | undefined = await p.deadLetters.recv();
 * console.log(d?.stage, d?.item); // parse {oops
 */
export interface DeadLetter {
  /** item is the failing stage's input (the output of the stage before it, or the source's item). */
  readonly item: unknown;
  /** stage is the failing stage's name. */
  readonly stage: string;
  /** error is what the stage's processor threw on its last attempt. */
  readonly error: unknown;
}

/**
 * PipelineStageError ends a fail-fast run (and rejects `process`): stage `stage` failed on `item`; `cause` is why.
 *
 * @example
 * const p = new Pipeline<string>({ failFast: true }).addStage('parse', (s) => JSON.parse(s) as number);
 * await p.processBatch(['1', '{oops']).catch((e) => {
 *   if (e instanceof PipelineStageError) console.log(e.stage, e.item); // parse {oops
 * });
 */
export class PipelineStageError extends PatternError {
  override name = 'PipelineStageError';
  constructor(
    readonly stage: string,
    readonly item: unknown,
    cause: unknown,
  ) {
    super(`pipeline stage "${stage}" failed: ${cause instanceof Error ? cause.message : String(cause)}`, 'ERR_PIPELINE_STAGE', {
      cause,
    });
  }
}

/**
 * isPipelineStageError reports whether `e` is a PipelineStageError (by code, so it works across threads).
 *
 * @example
 * const n = await pipeline.process(line).catch((e) => {
 *   if (isPipelineStageError(e)) return console.log(`stage ${e.stage} failed on`, e.item);
 *   throw e;
 * });
 */
export const isPipelineStageError = (e: unknown): e is PipelineStageError => hasCode(e, 'ERR_PIPELINE_STAGE');

/**
 * PipelineFilteredError rejects `process(input)` when a filter (or a stage returning DROP) dropped the item.
 *
 * @example
 * const positive = new Pipeline<number>().addFilter((n) => n > 0);
 * await positive.process(-1).catch((e) => {
 *   if (e instanceof PipelineFilteredError) console.log('dropped', e.item); // dropped -1
 * });
 */
export class PipelineFilteredError extends PatternError {
  override name = 'PipelineFilteredError';
  constructor(readonly item: unknown) {
    super('pipeline: the item was filtered out', 'ERR_PIPELINE_FILTERED');
  }
}

/**
 * isPipelineFilteredError reports whether `e` is a PipelineFilteredError.
 *
 * @example
 * const v = await pipeline.process(item).catch((e) => (isPipelineFilteredError(e) ? null : Promise.reject(e)));
 */
export const isPipelineFilteredError = (e: unknown): e is PipelineFilteredError => hasCode(e, 'ERR_PIPELINE_FILTERED');
