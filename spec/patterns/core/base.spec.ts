import { describe, expect, it } from 'vitest';
import {
  BasePattern,
  DuplicatePatternError,
  isPatternStoppedError,
  PatternRegistry,
  type PatternConfig,
} from '../../../patterns/index.js';
import { InvalidArgumentError } from '../../../runtime/index.js';

class Probe extends BasePattern {
  log: string[] = [];
  constructor(config?: Partial<PatternConfig>) {
    super(config);
  }
  protected onStart(): void {
    this.log.push('start');
  }
  protected async onStop(): Promise<void> {
    this.log.push('stop');
  }
  async work(ok: boolean): Promise<void> {
    this.lifecycle.ensureRunning();
    this.counters.started++;
    this.record(ok, 5);
    if (!ok) this.handleError(new Error('item failed'));
  }
}

describe('BasePattern', () => {
  it('starts and stops idempotently, and refuses work unless running', async () => {
    const p = new Probe({ name: 'probe' });
    await expect(p.work(true)).rejects.toSatisfy(isPatternStoppedError);
    await Promise.all([p.start(), p.start()]);
    expect(p.isRunning()).toBe(true);
    await p.work(true);
    await Promise.all([p.stop(), p.stop()]);
    expect(p.isRunning()).toBe(false);
    expect(p.log).toEqual(['start', 'stop']);
    await expect(p.work(true)).rejects.toThrow('probe: not running (stopped)');
  });

  it('counts work, routes errors to errorHandler and summarises latency', async () => {
    const seen: string[] = [];
    const p = new Probe({ errorHandler: (e) => void seen.push(e.message) });
    await p.start();
    await p.work(true);
    await p.work(false);
    const m = p.getMetrics();
    expect([m.started, m.completed, m.failed, m.errors]).toEqual([2, 1, 1, 1]);
    expect(m.latency.p50).toBe(5);
    expect(seen).toEqual(['item failed']);
    p.resetMetrics();
    expect(p.getMetrics().completed).toBe(0);
    await p.stop();
  });

  it('names itself after its class when no name is given', () => {
    expect(new Probe().name).toMatch(/^Probe-\d+$/);
  });

  it('rejects every bad option with a named error naming it and the value', () => {
    expect(() => new Probe({ maxConcurrency: 0 })).toThrow(InvalidArgumentError);
    expect(() => new Probe({ maxConcurrency: 0 })).toThrow('Probe: maxConcurrency must be an integer >= 1, got 0');
    expect(() => new Probe({ timeout: -1 })).toThrow('Probe: timeout must be a finite number > 0, got -1');
    expect(() => new Probe({ retryAttempts: 1.5 })).toThrow('Probe: retryAttempts must be an integer >= 0, got 1.5');
    expect(() => new Probe({ enableMetrics: 'yes' as never })).toThrow('Probe: enableMetrics must be a boolean, got "yes"');
    expect(() => new Probe({ errorHandler: 5 as never })).toThrow('Probe: errorHandler must be a function, got 5');
    expect(() => new Probe({ name: '' })).toThrow('Probe: name must be a non-empty string');
  });
});

describe('PatternRegistry', () => {
  it('registers by name, refuses duplicates, lists and unregisters', () => {
    const r = new PatternRegistry();
    const a = new Probe({ name: 'a' });
    r.register(a);
    r.register(new Probe({ name: 'b' }));
    expect(() => r.register(new Probe({ name: 'a' }))).toThrow(DuplicatePatternError);
    expect(r.listPatterns()).toEqual(['a', 'b']);
    expect(r.getPattern('a')).toBe(a);
    expect(r.unregister('a')).toBe(true);
    expect(r.unregister('a')).toBe(false);
    expect(r.getPattern('a')).toBeUndefined();
  });

  it('sums metrics and shuts every pattern down', async () => {
    const r = new PatternRegistry();
    const a = new Probe({ name: 'a' });
    const b = new Probe({ name: 'b' });
    r.register(a);
    r.register(b);
    await a.start();
    await b.start();
    await a.work(true);
    await b.work(false);
    const g = r.getGlobalMetrics();
    expect([g.patterns, g.running, g.completed, g.failed]).toEqual([2, 2, 1, 1]);
    expect(g.byName['b']!.failed).toBe(1);
    await r.shutdownAll();
    expect(a.isRunning() || b.isRunning()).toBe(false);
  });
});
