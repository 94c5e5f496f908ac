import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../../../runtime/index.js';
import { Pipeline, type PipelineConfig, PipelineStage, type PipelineStageConfig } from '../../../patterns/index.js';
import { expectRejection } from '../../rejection.js';

const id = (x: number): number => x;

describe('Pipeline: bad configuration', () => {
  const cases: [Partial<PipelineConfig> & Record<string, unknown>, string][] = [
    [{ ordered: 'yes' as never }, 'Pipeline: ordered must be a boolean, got "yes"'],
    [{ failFast: 1 as never }, 'Pipeline: failFast must be a boolean, got 1'],
    [{ concurrency: 0 }, 'Pipeline: concurrency must be an integer >= 1, got 0'],
    [{ concurrency: 1.5 }, 'Pipeline: concurrency must be an integer >= 1, got 1.5'],
    [{ concurrency: NaN }, 'Pipeline: concurrency must be an integer >= 1, got NaN'],
    [{ concurrency: Infinity }, 'Pipeline: concurrency must be an integer >= 1, got Infinity'],
    [{ concurrency: '2' as never }, 'Pipeline: concurrency must be an integer >= 1, got "2"'],
    [{ bufferSize: -1 }, 'Pipeline: bufferSize must be an integer >= 0, got -1'],
    [{ bufferSize: NaN }, 'Pipeline: bufferSize must be an integer >= 0, got NaN'],
    [{ deadLetterBufferSize: -3 }, 'Pipeline: deadLetterBufferSize must be an integer >= 0, got -3'],
    [{ retryAttempts: -1 }, 'Pipeline: retryAttempts must be an integer >= 0, got -1'],
    [{ enableMetrics: 'no' as never }, 'Pipeline: enableMetrics must be a boolean, got "no"'],
    [{ errorHandler: 5 as never }, 'Pipeline: errorHandler must be a function, got 5'],
    [{ name: '' }, 'Pipeline: name must be a non-empty string, got ""'],
    [{ maxConcurrency: 4 }, 'Pipeline: maxConcurrency is a stage option, not a pipeline option, got 4'],
    [{ timeout: 100 }, 'Pipeline: timeout is a stage option, not a pipeline option, got 100'],
  ];
  for (const [config, message] of cases) {
    it(`rejects ${JSON.stringify(config) ?? String(config)}`, () => {
      expect(() => new Pipeline(config)).toThrow(InvalidArgumentError);
      expect(() => new Pipeline(config)).toThrow(message);
    });
  }

  it('rejects a config that is not an object', () => {
    expect(() => new Pipeline(7 as never)).toThrow('Pipeline: config must be an object, got 7');
  });

  it('rejects bad stages, filters, sources, batches and cancels (throwing where the call is synchronous)', async () => {
    const p = new Pipeline<number>();
    expect(() => p.addStage('a', 5 as never)).toThrow('PipelineStage: processor must be a function, got 5');
    expect(() => p.addStage('a', id, { concurrency: -2 })).toThrow('PipelineStage: concurrency must be an integer >= 1, got -2');
    expect(() => p.addStage('a', id, 'x' as never)).toThrow('Pipeline.addStage: config must be an object, got "x"');
    expect(() => p.addStage(null as never)).toThrow(InvalidArgumentError);
    expect(() => p.addFilter('no' as never)).toThrow('Pipeline.addFilter: predicate must be a function, got "no"');
    expect(() => p.processStream(42 as never)).toThrow('Pipeline.processStream: source must be an AsyncIterable or Iterable, got 42');
    expect(() => p.processStream(null as never)).toThrow(InvalidArgumentError);
    // processBatch returns a promise: misuse is its rejection, never a throw.
    await expectRejection(() => p.processBatch('abc' as never), InvalidArgumentError, 'Pipeline.processBatch: inputs must be an array, got "abc"');
    await expectRejection(() => p.processBatch([], {} as never), InvalidArgumentError, 'Pipeline: cancel must be a Context or an AbortSignal, got {}');
    expect(() => p.processStream([], 'x' as never)).toThrow('Pipeline: cancel must be a Context or an AbortSignal, got "x"');
    expect(p.stages).toHaveLength(0); // nothing was added by the failed calls
  });
});

describe('PipelineStage: bad configuration', () => {
  const cases: [Record<string, unknown>, string][] = [
    [{}, 'PipelineStage: processor must be a function, got undefined'],
    [{ processor: id, concurrency: 0 }, 'PipelineStage: concurrency must be an integer >= 1, got 0'],
    [{ processor: id, bufferSize: 2.5 }, 'PipelineStage: bufferSize must be an integer >= 0, got 2.5'],
    [{ processor: id, retryAttempts: NaN }, 'PipelineStage: retryAttempts must be an integer >= 0, got NaN'],
    [{ processor: id, timeout: 0 }, 'PipelineStage: timeout must be a finite number > 0, got 0'],
    [{ processor: id, timeout: -5 }, 'PipelineStage: timeout must be a finite number > 0, got -5'],
    [{ processor: id, retryPolicy: { maxAttempts: 3 } }, 'PipelineStage: retryPolicy must be a RetryPolicy, got {"maxAttempts":3}'],
    [{ processor: id, maxConcurrency: 2 }, 'PipelineStage: maxConcurrency is not a stage option (use concurrency), got 2'],
    [{ processor: id, name: 3 }, 'PipelineStage: name must be a non-empty string, got 3'],
  ];
  for (const [config, message] of cases) {
    it(`rejects ${JSON.stringify(config)}`, () => {
      expect(() => new PipelineStage(config as unknown as PipelineStageConfig<number, number>)).toThrow(InvalidArgumentError);
      expect(() => new PipelineStage(config as unknown as PipelineStageConfig<number, number>)).toThrow(message);
    });
  }
});
