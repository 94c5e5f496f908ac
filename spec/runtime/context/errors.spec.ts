import { describe, expect, it } from 'vitest';
import {
  Canceled,
  CanceledError,
  DeadlineExceeded,
  DeadlineExceededError,
  isCanceled,
  isDeadlineExceeded,
  isPanicError,
  PanicError,
} from '../../../runtime/index.js';

describe('context errors', () => {
  it('has Go text and stable codes', () => {
    expect(Canceled.message).toBe('context canceled');
    expect(Canceled.code).toBe('ERR_CONTEXT_CANCELED');
    expect(Canceled.name).toBe('CanceledError');
    expect(DeadlineExceeded.message).toBe('context deadline exceeded');
    expect(DeadlineExceeded.code).toBe('ERR_CONTEXT_DEADLINE_EXCEEDED');
    expect(DeadlineExceeded.name).toBe('DeadlineExceededError');
    expect(DeadlineExceeded.timeout()).toBe(true);
  });

  it('exports singleton instances of named classes', () => {
    expect(Canceled).toBeInstanceOf(CanceledError);
    expect(DeadlineExceeded).toBeInstanceOf(DeadlineExceededError);
    expect(Canceled).toBeInstanceOf(Error);
  });

  it('are expected failures, not panics', () => {
    expect(Canceled).not.toBeInstanceOf(PanicError);
    expect(DeadlineExceeded).not.toBeInstanceOf(PanicError);
    expect(isPanicError(Canceled)).toBe(false);
    expect(isPanicError(DeadlineExceeded)).toBe(false);
  });

  it('guards check the code, so they work on errors rebuilt after crossing a thread', () => {
    const rebuilt = Object.assign(new Error('context canceled'), { code: 'ERR_CONTEXT_CANCELED' });
    expect(isCanceled(rebuilt)).toBe(true);
    expect(isCanceled(Canceled)).toBe(true);
    expect(isCanceled(DeadlineExceeded)).toBe(false);
    expect(isDeadlineExceeded(DeadlineExceeded)).toBe(true);
    expect(isDeadlineExceeded({ code: 'ERR_CONTEXT_DEADLINE_EXCEEDED' })).toBe(true);
    expect(isDeadlineExceeded(Canceled)).toBe(false);
    for (const v of [null, undefined, 'context canceled', 42, new Error('context canceled')]) {
      expect(isCanceled(v)).toBe(false);
      expect(isDeadlineExceeded(v)).toBe(false);
    }
  });
});
