/**
 * The root export surface: `gocsp` is the runtime's public API and the patterns' user-facing names; the patterns'
 * infrastructure for writing a pattern of one's own stays in `gocsp/patterns`.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import * as root from '../index.js';
import type {
  Fallback,
  MapOptions,
  PoolProgress,
  TimeoutPolicyConfig,
  TimeoutStrategy,
  WaitOptions,
} from '../index.js';
import * as patterns from '../patterns/index.js';
import * as runtime from '../runtime/index.js';

/** INFRASTRUCTURE are the values of gocsp/patterns that gocsp leaves out (its types are left out with them). */
const INFRASTRUCTURE = [
  'BasePattern',
  'resolvePatternConfig',
  'Lifecycle',
  'Counters',
  'Samples',
  'hasCode',
  'PatternRegistry',
  'DuplicatePatternError',
  'isDuplicatePatternError',
];

/**
 * ADDED are values that the branches merged after the surface was first drawn made public (TimeoutPolicy, the shared
 * channels' park limit, cross-thread dumps), named here so that losing one from its entry fails by name.
 */
const ADDED = [
  'TimeoutPolicy',
  'CallTimeoutError',
  'isCallTimeoutError',
  'TooManyParkedError',
  'isTooManyParkedError',
  'goroutineDump',
  'goroutineDumpAll',
];

describe('gocsp', () => {
  it('exports the whole runtime', () => {
    for (const [name, value] of Object.entries(runtime)) expect(root, name).toHaveProperty(name, value);
  });

  it("exports the patterns' names but their infrastructure, which gocsp/patterns keeps", () => {
    const kept = Object.keys(patterns).filter((n) => !INFRASTRUCTURE.includes(n));
    for (const name of kept) expect(root, name).toHaveProperty(name, (patterns as Record<string, unknown>)[name]);
    for (const name of INFRASTRUCTURE) {
      expect(patterns, name).toHaveProperty(name);
      expect(root, name).not.toHaveProperty(name);
    }
    expect(Object.keys(root).sort()).toEqual([...Object.keys(runtime), ...kept].sort());
  });

  it('exports the names the merged branches added, values and types', () => {
    for (const name of ADDED) expect(root, name).toHaveProperty(name);
    // Types are checked by the compiler: each of these fails to import if the root stops exporting it.
    expectTypeOf<Fallback<string>>().not.toBeNever();
    expectTypeOf<TimeoutPolicyConfig>().not.toBeNever();
    expectTypeOf<TimeoutStrategy>().toEqualTypeOf<'cooperative' | 'aggressive'>();
    expectTypeOf<WaitOptions>().not.toBeNever();
    expectTypeOf<MapOptions>().not.toBeNever();
    expectTypeOf<PoolProgress>().not.toBeNever();
  });
});
