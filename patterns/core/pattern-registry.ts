/**
 * PatternRegistry keeps patterns by name, for global monitoring and one-call shutdown.
 */
import { InvalidArgumentError } from '../../runtime/index.js';
import type { BasePattern } from './base-pattern.js';
import { PatternError, hasCode } from './pattern-error.js';
import type { PatternMetrics } from './metrics.js';

/**
 * DuplicatePatternError is a register() of a name that is already registered.
 *
 * @example
 * const registry = new PatternRegistry();
 * registry.register(new FanOut({ name: 'resize' }));
 * try {
 *   registry.register(new FanOut({ name: 'resize' }));
 * } catch (e) {
 *   if (e instanceof DuplicatePatternError) console.log(e.message); // PatternRegistry: a pattern named "resize" is already registered
 * }
 */
export class DuplicatePatternError extends PatternError {
  override name = 'DuplicatePatternError';
  constructor(name: string) {
    super(`PatternRegistry: a pattern named ${JSON.stringify(name)} is already registered`, 'ERR_DUPLICATE_PATTERN');
  }
}

/**
 * isDuplicatePatternError reports whether `e` is a DuplicatePatternError.
 *
 * @example
 * try {
 *   registry.register(pattern);
 * } catch (e) {
 *   if (!isDuplicatePatternError(e)) throw e; // registered already: keep the first
 * }
 */
export const isDuplicatePatternError = (e: unknown): e is DuplicatePatternError => hasCode(e, 'ERR_DUPLICATE_PATTERN');

/**
 * GlobalMetrics sums every registered pattern's metrics.
 *
 * @example
 * const g: GlobalMetrics = registry.getGlobalMetrics();
 * console.log(`${g.running}/${g.patterns} running, ${g.failed} failed`);
 * for (const [name, m] of Object.entries(g.byName)) console.log(name, m.latency.p99);
 */
export interface GlobalMetrics {
  readonly patterns: number;
  readonly running: number;
  readonly started: number;
  readonly completed: number;
  readonly failed: number;
  readonly errors: number;
  readonly byName: Readonly<Record<string, PatternMetrics>>;
}

/**
 * PatternRegistry keeps patterns by name for global monitoring (getGlobalMetrics sums their metrics) and one-call
 * shutdown (shutdownAll). A second pattern under a registered name is a DuplicatePatternError.
 *
 * @example
 * const registry = new PatternRegistry();
 * registry.register(pool);
 * registry.register(pipeline);
 * process.on('SIGTERM', () => void registry.shutdownAll());
 */
export class PatternRegistry {
  readonly #patterns = new Map<string, BasePattern>();

  /** register adds `pattern` under its name; a taken name is a DuplicatePatternError. */
  register(pattern: BasePattern): void {
    if (typeof pattern !== 'object' || pattern === null || typeof pattern.getMetrics !== 'function') {
      throw new InvalidArgumentError('PatternRegistry.register: pattern must be a BasePattern');
    }
    if (this.#patterns.has(pattern.name)) throw new DuplicatePatternError(pattern.name);
    this.#patterns.set(pattern.name, pattern);
  }

  /** unregister removes the pattern named `name`; it reports whether there was one (it is not stopped). */
  unregister(name: string): boolean {
    return this.#patterns.delete(name);
  }

  getPattern(name: string): BasePattern | undefined {
    return this.#patterns.get(name);
  }

  /** listPatterns returns the registered names in registration order. */
  listPatterns(): string[] {
    return [...this.#patterns.keys()];
  }

  getGlobalMetrics(): GlobalMetrics {
    const byName: Record<string, PatternMetrics> = {};
    let running = 0;
    let started = 0;
    let completed = 0;
    let failed = 0;
    let errors = 0;
    for (const [name, p] of this.#patterns) {
      const m = p.getMetrics();
      byName[name] = m;
      if (m.running) running++;
      started += m.started;
      completed += m.completed;
      failed += m.failed;
      errors += m.errors;
    }
    return { patterns: this.#patterns.size, running, started, completed, failed, errors, byName };
  }

  /** shutdownAll stops every registered pattern at once and waits for all; the first failure is rethrown after. */
  async shutdownAll(): Promise<void> {
    const results = await Promise.allSettled([...this.#patterns.values()].map((p) => p.stop()));
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed !== undefined) throw failed.reason;
  }
}
