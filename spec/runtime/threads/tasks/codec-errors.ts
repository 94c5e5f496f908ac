/** Task modules for the codec-error specs: each task makes a codec fail on the worker, as a user's code would. */
import { codec } from '../../../../runtime/shared/codecs/codec-set.js';
import { task } from '../../../../runtime/threads/task.js';

/** codecFailure makes the codec error `kind` happen on this thread ('encode', 'too-large' or 'decode'). */
export const codecFailure = task(import.meta.url, function codecFailure(kind: string): never {
  switch (kind) {
    case 'encode': {
      const c = codec.int32;
      c.encode(1.5, new Uint8Array(c.slotBytes)); // not an integer: EncodeError
      break;
    }
    case 'too-large': {
      const c = codec.string({ maxBytes: 4 });
      c.encode('hello world', new Uint8Array(c.slotBytes)); // 11 bytes: ValueTooLargeError
      break;
    }
    case 'decode': {
      const c = codec.json({ maxBytes: 16 });
      c.decode(new Uint8Array(c.slotBytes).fill(0xff)); // a length prefix beyond maxBytes: DecodeError
      break;
    }
  }
  throw new Error(`codecFailure: ${kind} did not fail`);
});
