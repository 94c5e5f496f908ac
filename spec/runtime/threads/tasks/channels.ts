/** Task modules for the scheduler + shared channel specs. */
import type { RecvChan, SendChan } from '../../../../runtime/chan/types.js';
import { lock } from '../../../../runtime/shared/memory/lock.js';
import type { SharedChan } from '../../../../runtime/shared/channels/shared-chan.js';
import { toWire } from '../../../../runtime/shared/objects/wire.js';
import { task } from '../../../../runtime/threads/task.js';

/** produce sends base .. base+n-1 on ch. */
export const produce = task(import.meta.url, async function produce(ch: SendChan<number>, base: number, n: number) {
  for (let i = 0; i < n; i++) await ch.send(base + i);
});

/** sumAll receives until ch is closed and sends the count and sum on out. */
export const sumAll = task(import.meta.url, async function sumAll(ch: RecvChan<number>, out: SendChan<number>) {
  let sum = 0;
  let n = 0;
  for await (const v of ch) {
    sum += v;
    n++;
  }
  await out.send(n);
  await out.send(sum);
});

/** lockAndExit takes the channel's lock and ends the thread while holding it. */
export const lockAndExit = task(import.meta.url, function lockAndExit(ch: SharedChan<number>): void {
  lock(new Int32Array(toWire(ch)['sab'] as SharedArrayBuffer), 0);
  process.exit(3);
});
