/**
 * Task module of shared-chan-values.bench.ts: goroutines on scheduler workers that move values of a given shape
 * through a shared channel. Values are made on the producer's thread, so that a sample measures the channel (encode,
 * store, wake, load, decode), not a copy of the value posted from main.
 */
import { threadId } from 'node:worker_threads';
import type { RecvChan, SendChan } from '../../../runtime/chan/types.js';
import { task } from '../../../runtime/threads/task.js';

/** Shape names a kind of value: a small plain object, or a Map of about 4 KB in v8.serialize's form. */
export type Shape = 'small' | 'map4k' | 'text4k';

/** Value is what the producers send: a serial number and a payload of the shape. */
export type Value = { readonly i: number; readonly body: unknown };

/** make builds value i of a shape. */
export function make(shape: Shape, i: number): Value {
  switch (shape) {
    case 'small':
      return { i, body: { name: 'job', tags: [1, 2, 3] } };
    case 'map4k':
      return { i, body: MAP4K };
    case 'text4k':
      return { i, body: TEXT4K };
  }
}

const MAP4K = new Map(Array.from({ length: 120 }, (_, k) => [`key-${k}`, [k, k * 7, k * 13, k * 17, k * 19]]));
const TEXT4K = 'lorem ipsum '.repeat(340);

/** Moved is a consumer's report: the sum of the serial numbers, and how long the values took to come. */
export interface Moved {
  readonly sum: number;
  /** ms from the first value received to the last (n - 1 values in that time). */
  readonly ms: number;
  readonly threadId: number;
}

/** produceValues sends make(shape, i) for i < n, awaiting a send only when the buffer is full. */
export const produceValues = task(
  import.meta.url,
  async function produceValues(ch: SendChan<Value>, shape: Shape, n: number): Promise<number> {
    for (let i = 0; i < n; i++) {
      const v = make(shape, i);
      if (!ch.trySend(v)) await ch.send(v);
    }
    return threadId;
  },
);

/** consumeValues receives n values and returns the sum of their serial numbers. */
export const consumeValues = task(
  import.meta.url,
  async function consumeValues(ch: RecvChan<Value>, n: number): Promise<Moved> {
    let sum = (await ch.recv())!.i;
    const t0 = performance.now();
    for (let k = 1; k < n; k++) {
      const r = ch.tryRecv();
      sum += (r === undefined ? (await ch.recv())! : r.value!).i;
    }
    return { sum, ms: performance.now() - t0, threadId };
  },
);
