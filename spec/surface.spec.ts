/**
 * The root export surface: `gocsp` is the runtime's public API and the patterns' user-facing names; the patterns'
 * infrastructure for writing a pattern of one's own stays in `gocsp/patterns`.
 */
import { describe, expect, it } from 'vitest';
import * as root from '../index.js';
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
});
