/**
 * The core package never loads the NATS client: gocsp, gocsp/runtime and gocsp/patterns load in a process where
 * every @nats-io module is refused, and gocsp/nats is what needs them. No server is needed.
 */
import { describe, expect, it } from 'vitest';
import { runFixture } from '../../fixtures/run.js';

describe('gocsp/nats is optional', () => {
  it('loads the core entries without any @nats-io module, and gocsp/nats only with them', () => {
    const r = runFixture('spec/runtime/nats/children/core-only.ts', { timeoutMs: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^core loaded\nnats refused: refused @nats-io\/\S+\n$/);
    expect(r.code).toBe(0);
  });
});
