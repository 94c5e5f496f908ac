/**
 * A stand-in shared object for the argument tests: a counter in a SharedArrayBuffer that implements the wire
 * protocol as the real shared channels do. Loading this module registers its kind, on each thread that loads it.
 */
import { registerWireKind, TO_WIRE, WIRE_KIND, type Wire } from '../../../../runtime/shared/objects/wire.js';
import { task } from '../../../../runtime/threads/task.js';

const KIND = 'spec-counter';

export class SharedCounter {
  readonly words: Int32Array;
  constructor(sab = new SharedArrayBuffer(4)) {
    this.words = new Int32Array(sab);
  }
  get value(): number {
    return Atomics.load(this.words, 0);
  }
  [TO_WIRE](): Wire {
    return { [WIRE_KIND]: KIND, sab: this.words.buffer };
  }
}
registerWireKind(KIND, (w) => new SharedCounter(w['sab'] as SharedArrayBuffer));

/** bump adds `n` to every counter in `cs` (rebuilt on the worker) and returns them in an object. */
export const bump = task(
  import.meta.url,
  function bump(cs: { list: SharedCounter[] }, n: number): { first: SharedCounter; isCounter: boolean } {
    for (const c of cs.list) Atomics.add(c.words, 0, n);
    return { first: cs.list[0]!, isCounter: cs.list.every((c) => c instanceof SharedCounter) };
  },
);
