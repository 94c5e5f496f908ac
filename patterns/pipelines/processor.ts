/**
 * Processor is a pipeline stage's function, and DROP what it returns to drop its item: the contract between the
 * stages a user writes and the run that drives them (run.ts), which both stage.ts and run.ts import.
 */
import type { Context } from '../../runtime/index.js';

/**
 * DROP is what a processor returns to drop its item silently (how addFilter's stages filter).
 *
 * @example
 * const p = new Pipeline<string>().addStage('trim', (s) => s.trim() || DROP);
 * await p.processBatch([' a ', '  ', 'b']); // ['a', 'b']
 */
export const DROP: unique symbol = Symbol('gocsp.pipeline.drop');
/**
 * Drop is the type of DROP, the value a stage's processor returns to drop its item.
 *
 * @example
 * const evens = (n: number): number | Drop => (n % 2 === 0 ? n : DROP);
 */
export type Drop = typeof DROP;

/**
 * Processor turns one item into the next stage's item; `ctx` is canceled when the run ends or the attempt times out.
 *
 * @example
 * const parse: Processor<string, number> = (s) => {
 *   const n = Number(s);
 *   return Number.isNaN(n) ? DROP : n;
 * };
 * await new Pipeline<string>().addStage('parse', parse).processBatch(['1', 'x', '3']); // [1, 3]
 */
export type Processor<I, O> = (input: I, ctx: Context) => O | Drop | Promise<O | Drop>;
