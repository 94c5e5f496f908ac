/**
 * bounds: the fleet-wide limits, checked on grant times taken from the Redis server's clock (onGrant), exactly:
 * a token bucket grants at most burst + rate * T over every interval T; a sliding window admits at most max in
 * every window (admissions i and i + max are at least a window apart).
 */
import { expect } from 'vitest';

/** withinBound checks that `grants` (server ms, one per token) never exceed burst + perMs * T over any interval T. */
export function withinBound(grants: readonly number[], burst: number, perMs: number): void {
  const t = [...grants].sort((a, b) => a - b);
  for (let i = 0; i < t.length; i++) {
    for (let j = i; j < t.length; j++) {
      expect(j - i + 1, `grants ${i}..${j}`).toBeLessThanOrEqual(burst + perMs * (t[j]! - t[i]!) + 1e-6);
    }
  }
}

/** atMostPerWindow checks that admissions i and i + max are always at least a window apart (server ms). */
export function atMostPerWindow(grants: readonly number[], max: number, windowMs: number): void {
  const t = [...grants].sort((a, b) => a - b);
  for (let i = 0; i + max < t.length; i++) {
    expect(t[i + max]! - t[i]!, `admissions ${i} and ${i + max}`).toBeGreaterThanOrEqual(windowMs - 1e-6);
  }
}
