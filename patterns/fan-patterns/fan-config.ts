/**
 * The options FanOut and FanPattern add to PatternConfig, with their defaults and validation (each bad option is an
 * InvalidArgumentError naming the class, the option and the value).
 */
import { PATTERN_KEYS, type PatternConfig } from '../core/base-pattern.js';
import { bool, oneOf, options, positiveInt, show } from '../core/option-checks.js';
import { InvalidArgumentError } from '../../runtime/index.js';
import { leastLoaded, type LoadBalancer } from './load-balancer.js';

/**
 * ErrorMode says what a failing item does: 'fail-fast' (default) rejects the call with the item's error and starts no
 * more items, as Promise.all and errgroup do; 'collect' runs every item, reports each failure to errorHandler as a
 * FanItemError with its index, and rejects at the end with a FanOutError listing them (streams skip failed items).
 *
 * @example
 * const mode: FanErrorMode = 'collect';
 * const fan = new FanOut<string, number>({ errorMode: mode }); // every item runs; the call rejects at the end with a FanOutError
 */
export type ErrorMode = 'fail-fast' | 'collect';

/**
 * FanOutConfig is the seed's FanOutConfig plus PatternConfig (name, timeout, retryAttempts, errorHandler, ...).
 *
 * @example
 * const config: Partial<FanOutConfig> = { name: 'resize', workerCount: 8, batchSize: 50, ordered: false, errorMode: 'collect' };
 * const fan = new FanOut<string, number>(config);
 */
export interface FanOutConfig extends PatternConfig {
  /** workerCount: worker goroutines per call. Default: maxConcurrency if set, else 4. */
  workerCount: number;
  /** batchSize: items a worker takes from the jobs channel at once (distribute) or per processor call (processBatches). Default 1. */
  batchSize: number;
  /** enableLoadBalancing: a dispatcher assigns batches to per-worker channels with `loadBalancer`. Default false (shared channel). */
  enableLoadBalancing: boolean;
  /** loadBalancer: the strategy used with enableLoadBalancing. Default leastLoaded(). */
  loadBalancer: LoadBalancer;
  /** ordered: results in input order (true, default) or in completion order. */
  ordered: boolean;
  /** errorMode: 'fail-fast' (default) or 'collect'. */
  errorMode: ErrorMode;
}

/** FAN_OUT_OPTIONS are the keys FanOutConfig adds to PatternConfig; FAN_OUT_KEYS all of its keys. */
export const FAN_OUT_OPTIONS: readonly string[] = Object.freeze([
  'workerCount',
  'batchSize',
  'enableLoadBalancing',
  'loadBalancer',
  'ordered',
  'errorMode',
]);
export const FAN_OUT_KEYS: readonly string[] = Object.freeze([...PATTERN_KEYS, ...FAN_OUT_OPTIONS]);

/** FanOutOptions is the resolved fan-out part of a config. */
export interface FanOutOptions {
  workerCount: number;
  batchSize: number;
  enableLoadBalancing: boolean;
  loadBalancer: LoadBalancer;
  ordered: boolean;
  errorMode: ErrorMode;
}

/** checkBalancer requires a LoadBalancer object (a `pick` function). */
export function checkBalancer(owner: string, option: string, v: unknown): LoadBalancer {
  if (typeof v !== 'object' || v === null || typeof (v as LoadBalancer).pick !== 'function') {
    throw new InvalidArgumentError(`${owner}: ${option} must be a LoadBalancer ({ name, pick(loads, size) }), got ${show(v)}`);
  }
  return v as LoadBalancer;
}

/**
 * resolveFanOutOptions validates the fan-out options of `c` (whose keys must be in `known`) and fills in the
 * defaults.
 */
export function resolveFanOutOptions(
  owner: string,
  c: Partial<FanOutConfig> | undefined,
  base: PatternConfig,
  known: readonly string[] = FAN_OUT_KEYS,
): FanOutOptions {
  const o = options(owner, c, known);
  const dflt = base.maxConcurrency === Infinity ? 4 : base.maxConcurrency;
  return {
    workerCount: positiveInt(owner, 'workerCount', o.workerCount ?? dflt),
    batchSize: positiveInt(owner, 'batchSize', o.batchSize ?? 1),
    enableLoadBalancing: bool(owner, 'enableLoadBalancing', o.enableLoadBalancing ?? false),
    loadBalancer: o.loadBalancer === undefined ? leastLoaded() : checkBalancer(owner, 'loadBalancer', o.loadBalancer),
    ordered: bool(owner, 'ordered', o.ordered ?? true),
    errorMode: oneOf(owner, 'errorMode', ['fail-fast', 'collect'] as const, o.errorMode ?? 'fail-fast'),
  };
}
