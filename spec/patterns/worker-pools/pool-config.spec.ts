import { describe, expect, it } from 'vitest';
import { InvalidArgumentError, synctest } from '../../../runtime/index.js';
import { DynamicWorkerPool, FixedWorkerPool, type WorkerPoolConfig } from '../../../patterns/index.js';
import { double } from './tasks/work.js';
import { expectRejection } from '../../rejection.js';

const worker = (x: number): number => x;

/** bad lists [option, value, message] for every option that must be rejected. */
const bad: [keyof WorkerPoolConfig<number, number>, unknown, string][] = [
  ['minWorkers', -1, 'minWorkers must be an integer >= 0, got -1'],
  ['minWorkers', 1.5, 'minWorkers must be an integer >= 0, got 1.5'],
  ['minWorkers', NaN, 'minWorkers must be an integer >= 0, got NaN'],
  ['minWorkers', '2', 'minWorkers must be an integer >= 0, got "2"'],
  ['maxWorkers', 0, 'maxWorkers must be an integer >= 1, got 0'],
  ['maxWorkers', Infinity, 'maxWorkers must be an integer >= 1, got Infinity'],
  ['idleTimeout', 0, 'idleTimeout must be a finite number > 0, got 0'],
  ['idleTimeout', -5, 'idleTimeout must be a finite number > 0, got -5'],
  ['idleTimeout', NaN, 'idleTimeout must be a finite number > 0, got NaN'],
  ['taskTimeout', 0, 'taskTimeout must be a finite number > 0, got 0'],
  ['taskTimeout', -Infinity, 'taskTimeout must be a finite number > 0, got -Infinity'],
  ['taskTimeout', '1s', 'taskTimeout must be a finite number > 0, got "1s"'],
  ['enableAutoScaling', 1, 'enableAutoScaling must be a boolean, got 1'],
  ['scalingThreshold', 0, 'scalingThreshold must be > 0, got 0'],
  ['scalingThreshold', 1.5, 'scalingThreshold must be a number between 0 and 1, got 1.5'],
  ['scalingThreshold', NaN, 'scalingThreshold must be a number between 0 and 1, got NaN'],
  ['scalingInterval', 0, 'scalingInterval must be a finite number > 0, got 0'],
  ['scalingInterval', Infinity, 'scalingInterval must be a finite number > 0, got Infinity'],
  ['queueSize', -1, 'queueSize must be an integer >= 0, got -1'],
  ['queueSize', Infinity, 'queueSize must be an integer >= 0, got Infinity'],
  ['onFull', 'drop', 'onFull must be one of "wait", "reject", got "drop"'],
  ['loadBalancing', 'random', 'loadBalancing must be one of "least-loaded", "round-robin", got "random"'],
  ['heartbeatInterval', 0, 'heartbeatInterval must be a finite number > 0, got 0'],
  ['stuckAfter', -1, 'stuckAfter must be a finite number > 0, got -1'],
  ['timeout', 0, 'timeout must be a finite number > 0, got 0'],
  ['retryAttempts', -1, 'retryAttempts must be an integer >= 0, got -1'],
  ['enableMetrics', 'yes', 'enableMetrics must be a boolean, got "yes"'],
  ['errorHandler', 42, 'errorHandler must be a function, got 42'],
  ['name', '', 'name must be a non-empty string, got ""'],
];

describe('WorkerPoolConfig validation', () => {
  it.each(bad)('DynamicWorkerPool rejects %s = %s', (option, value, message) => {
    const make = () => new DynamicWorkerPool<number, number>({ worker, [option]: value });
    expect(make).toThrow(InvalidArgumentError);
    expect(make).toThrow(`DynamicWorkerPool: ${message}`);
  });

  it.each(bad.filter(([o]) => !['minWorkers', 'maxWorkers', 'enableAutoScaling'].includes(o)))(
    'FixedWorkerPool rejects %s = %s',
    (option, value, message) => {
      expect(() => new FixedWorkerPool<number, number>(2, { worker, [option]: value })).toThrow(
        `FixedWorkerPool: ${message}`,
      );
    },
  );

  it('rejects maxWorkers below minWorkers', () => {
    expect(() => new DynamicWorkerPool({ worker, minWorkers: 5, maxWorkers: 2 })).toThrow(
      'DynamicWorkerPool: maxWorkers must be >= minWorkers (5), got 2',
    );
  });

  it('requires exactly one of worker and task, each of the right kind', () => {
    expect(() => new DynamicWorkerPool({})).toThrow('DynamicWorkerPool: exactly one of worker and task must be given, got neither');
    expect(() => new DynamicWorkerPool({ worker, task: double })).toThrow('got both');
    expect(() => new DynamicWorkerPool({ worker: 'f' as never })).toThrow('DynamicWorkerPool: worker must be a function, got "f"');
    expect(() => new DynamicWorkerPool({ task: worker })).toThrow(
      'DynamicWorkerPool: task must be a task (made with task(import.meta.url, fn)), got function worker',
    );
  });

  it('rejects a config that is not an object', () => {
    expect(() => new DynamicWorkerPool(42 as never)).toThrow('DynamicWorkerPool: config must be an object, got 42');
    expect(() => new FixedWorkerPool(2, [] as never)).toThrow('FixedWorkerPool: config must be an object, got []');
  });

  it('FixedWorkerPool rejects a bad workerCount and sizing options that contradict it', () => {
    for (const n of [0, -1, 2.5, NaN, Infinity]) {
      expect(() => new FixedWorkerPool(n, { worker })).toThrow(`FixedWorkerPool: workerCount must be an integer >= 1, got ${n}`);
    }
    expect(() => new FixedWorkerPool(2, { worker, minWorkers: 1 })).toThrow(
      'FixedWorkerPool: minWorkers must equal workerCount (2), got 1',
    );
    expect(() => new FixedWorkerPool(2, { worker, maxWorkers: 3 })).toThrow('maxWorkers must equal workerCount (2), got 3');
    expect(() => new FixedWorkerPool(2, { worker, enableAutoScaling: true })).toThrow(
      'FixedWorkerPool: enableAutoScaling must be false for a fixed pool, got true',
    );
    expect(new FixedWorkerPool(2, { worker, minWorkers: 2, maxWorkers: 2, enableAutoScaling: false }).workerCount).toBe(2);
  });

  it('names pools ClassName-n by default', () => {
    const a = new FixedWorkerPool(1, { worker });
    const b = new FixedWorkerPool(1, { worker });
    expect(a.name).toMatch(/^FixedWorkerPool-\d+$/);
    expect(Number(b.name.split('-')[1])).toBe(Number(a.name.split('-')[1]) + 1);
  });

  it('misuse of submit, submitBatch and stop options rejects (never throws) with InvalidArgumentError', () =>
    synctest.run(async () => {
      const pool = new FixedWorkerPool<number, number>(1, { worker, name: 'm' });
      const bad = (f: () => unknown, message: string): Promise<void> => expectRejection(f, InvalidArgumentError, message);
      await bad(() => pool.submit(1, { signal: 'x' as never }), 'm: signal must be an AbortSignal, got string');
      await bad(
        () => pool.submit(1, { signal: AbortSignal.abort(), cancel: AbortSignal.abort() }),
        'm: give one of signal and cancel, not both',
      );
      await bad(() => pool.submit(1, 5 as never), 'm: config must be an object, got 5');
      await bad(() => pool.submitBatch('ab' as never), 'm: submitBatch inputs must be an array, got string');
      await pool.start();
      await bad(() => pool.stop({ mode: 'now' as never }), 'm: mode must be one of "drain", "cancel", got "now"');
      expect(pool.isRunning()).toBe(true);
      await pool.stop();
    }));
});
