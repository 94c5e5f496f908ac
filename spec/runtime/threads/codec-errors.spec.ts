/**
 * A codec error thrown on a worker (EncodeError, ValueTooLargeError, DecodeError) arrives on the main thread rebuilt
 * into its class, with its message, code and fields (codec, size, limit), as the other named errors do
 * (runtime/threads/error-wire.ts).
 */
import { describe, expect, it } from 'vitest';
import {
  DecodeError,
  EncodeError,
  isDecodeError,
  isEncodeError,
  isValueTooLargeError,
  ValueTooLargeError,
  goThread,
} from '../../../runtime/index.js';
import { codecFailure } from './tasks/codec-errors.js';
import { useThreads } from './use-threads.js';

useThreads({ threads: 1 });

describe('codec errors crossing threads', () => {
  it('rebuilds an EncodeError with its codec', async () => {
    const e = await goThread(codecFailure, 'encode').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(EncodeError);
    expect(isEncodeError(e)).toBe(true);
    expect(e).toMatchObject({
      name: 'EncodeError',
      code: 'ERR_CODEC_ENCODE',
      codec: 'int32',
      message: 'int32 codec: cannot encode 1.5 (not an integer in [-2147483648, 2147483647])',
    });
  });

  it('rebuilds a ValueTooLargeError with its codec, size and limit', async () => {
    const e = await goThread(codecFailure, 'too-large').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(ValueTooLargeError);
    expect(isValueTooLargeError(e)).toBe(true);
    expect(e).toMatchObject({
      name: 'ValueTooLargeError',
      code: 'ERR_VALUE_TOO_LARGE',
      codec: 'string',
      size: 11,
      limit: 4,
      message: 'string codec: value encodes to 11 bytes, more than maxBytes 4',
    });
  });

  it('rebuilds a DecodeError with its codec and the stack of the worker', async () => {
    const e = await goThread(codecFailure, 'decode').catch((err: unknown) => err);
    expect(e).toBeInstanceOf(DecodeError);
    expect(isDecodeError(e)).toBe(true);
    expect(e).toMatchObject({ name: 'DecodeError', code: 'ERR_CODEC_DECODE', codec: 'json' });
    expect((e as Error).message).toMatch(/^json codec: cannot decode the slot \(length prefix 4294967295 is more than/);
    expect((e as Error).stack).toMatch(/codec-errors\.ts/);
  });
});
