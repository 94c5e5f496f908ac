import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../runtime/index.js';
import { FanPattern, FanIn, FanOut } from '../../../patterns/index.js';

const bad: [string, unknown, string][] = [
  ['workerCount', 0, 'an integer >= 1, got 0'],
  ['workerCount', -2, 'an integer >= 1, got -2'],
  ['workerCount', 1.5, 'an integer >= 1, got 1.5'],
  ['workerCount', NaN, 'an integer >= 1, got NaN'],
  ['workerCount', Infinity, 'an integer >= 1, got Infinity'],
  ['workerCount', '4', 'an integer >= 1, got "4"'],
  ['batchSize', 0, 'an integer >= 1, got 0'],
  ['batchSize', NaN, 'an integer >= 1, got NaN'],
  ['enableLoadBalancing', 'yes', 'a boolean, got "yes"'],
  ['loadBalancer', {}, 'a LoadBalancer ({ name, pick(loads, size) }), got {}'],
  ['ordered', 1, 'a boolean, got 1'],
  ['errorMode', 'ignore', 'one of "fail-fast", "collect", got "ignore"'],
  ['timeout', -1, 'a finite number > 0, got -1'],
  ['timeout', 0, 'a finite number > 0, got 0'],
  ['retryAttempts', -1, 'an integer >= 0, got -1'],
  ['maxConcurrency', 0, 'an integer >= 1, got 0'],
  ['errorHandler', 'log', 'a function, got "log"'],
];

describe('fan pattern config', () => {
  for (const [Class, name] of [[FanOut, 'FanOut'], [FanPattern, 'FanPattern']] as const) {
    for (const [option, value, want] of bad) {
      it(`${name} rejects ${option}: ${String(value)} naming the option and the value`, () => {
        const make = (): unknown => new Class({ [option]: value } as never);
        expect(make).toThrow(InvalidArgumentError);
        expect(make).toThrow(`${name}: ${option} must be ${want}`);
      });
    }
  }

  it('FanPattern rejects a bad reorderWindow or bufferSize', () => {
    expect(() => new FanPattern({ reorderWindow: 0 })).toThrow('FanPattern: reorderWindow must be an integer >= 1, got 0');
    expect(() => new FanPattern({ bufferSize: NaN })).toThrow('FanPattern: bufferSize must be an integer >= 0, got NaN');
  });

  it('FanIn rejects a bad bufferSize, mergeStrategy or timeout', () => {
    expect(() => new FanIn({ bufferSize: -1 })).toThrow('FanIn: bufferSize must be an integer >= 0, got -1');
    expect(() => new FanIn({ bufferSize: 2.5 })).toThrow('FanIn: bufferSize must be an integer >= 0, got 2.5');
    expect(() => new FanIn({ mergeStrategy: 'custom' as never })).toThrow(
      'FanIn: mergeStrategy must be "round-robin", "priority" or a MergeStrategy ({ name, select(candidates) }), got "custom"',
    );
    expect(() => new FanIn({ timeout: NaN })).toThrow('FanIn: timeout must be a finite number > 0, got NaN');
    expect(() => new FanIn('x' as never)).toThrow('FanIn: config must be an object, got "x"');
  });

  it('fills in the defaults', () => {
    expect(new FanOut().getMetrics()).toMatchObject({ workerCount: 4, batchSize: 1, loadBalancer: null });
    expect(new FanOut({ maxConcurrency: 6 }).getMetrics()).toMatchObject({ workerCount: 6 });
    expect(new FanOut({ enableLoadBalancing: true }).getMetrics().loadBalancer).toBe('least-loaded');
    expect(new FanIn().getMetrics()).toMatchObject({ strategy: 'round-robin', inputs: 0, merging: false });
  });
});
