import { describe, expect, it } from 'vitest';
import { sampleTurn, turn } from '../../../patterns/rate-limiters/turn-clock.js';

describe('turn clock', () => {
  it('keeps the turn number for the synchronous run that sampled it, and moves on a microtask later', async () => {
    const t = sampleTurn();
    expect(sampleTurn()).toBe(t);
    expect(turn).toBe(t);
    await Promise.resolve();
    await Promise.resolve();
    expect(turn).toBe(t + 1);
    expect(sampleTurn()).toBe(t + 1);
  });

  it('does not move while nobody samples', async () => {
    await Promise.resolve();
    await Promise.resolve();
    const t = turn;
    await new Promise((r) => setImmediate(r));
    expect(turn).toBe(t);
  });
});
