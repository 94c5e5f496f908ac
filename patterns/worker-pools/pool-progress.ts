/**
 * Pool progress without polling: WorkerPool.progress returns a channel of PoolProgress snapshots that a goroutine
 * keeps up to date as the pool changes.
 *
 *   PoolWatch ── one-slot change signal (coalesces) ──► progress goroutine ── newest snapshot ──► out (chan 1)
 *
 * A slow reader never holds the pool up and never reads stale state: the channel has one slot, and a new snapshot
 * replaces one the reader has not taken yet (coalescing, where Go's ticker drops the new tick and keeps the old:
 * progress wants the newest). So a reader sees at most one snapshot per wake-up of the goroutine, the last one
 * always among them. The channel starts with the current state, ends with the state after the pool's stop (then it
 * is closed), or is closed when the reader's cancel fires.
 */
import { chan, type Chan, type RecvChan, go, recvCase, select } from '../../runtime/index.js';
import { type Cancel, toContext } from '../core/cancel.js';
import type { PoolWatch } from './pool-watch.js';

/**
 * PoolProgress is a snapshot of a pool's counts and state, as WorkerPool.progress delivers them.
 *
 * @example
 * for await (const p of pool.progress({ signal })) bar.update(p.completed + p.failed, p.submitted);
 */
export interface PoolProgress {
  /** submitted, completed, failed, canceled, rejected: as in getMetrics (they add up once the pool is idle). */
  readonly submitted: number;
  readonly completed: number;
  readonly failed: number;
  readonly canceled: number;
  readonly rejected: number;
  /** queued: jobs accepted and not yet taken by a worker (getQueueLength). */
  readonly queued: number;
  /** running: jobs started and not yet ended. */
  readonly running: number;
  readonly workers: number;
  readonly paused: boolean;
  /** idle: every submit has ended (what onIdle waits for). */
  readonly idle: boolean;
}

const CHANGED = 0;
const OVER = 1;
const CANCELED = 2;

/**
 * progressChan starts the goroutine that follows `watch` and returns its channel of snapshots (see the file
 * comment). `snapshot` reads the pool's state; `cancel` ends the following (the channel is then closed).
 */
export function progressChan(watch: PoolWatch, snapshot: () => PoolProgress, cancel: Cancel): RecvChan<PoolProgress> {
  const out: Chan<PoolProgress> = chan<PoolProgress>(1);
  const put = (): void => {
    const s = snapshot();
    if (!out.trySend(s)) {
      out.tryRecv(); // replace the snapshot the reader has not taken
      out.trySend(s);
    }
  };
  const [ctx, release] = toContext(cancel);
  put();
  if (ctx.err() !== null) {
    release();
    out.close();
    return out;
  }
  const signal = watch.subscribe();
  go(async () => {
    try {
      for (;;) {
        const r = await select([
          recvCase(signal, () => CHANGED),
          recvCase(watch.over, () => OVER),
          recvCase(ctx.done(), () => CANCELED),
        ]);
        if (r === CANCELED) return;
        put();
        if (r === OVER) return;
      }
    } finally {
      watch.unsubscribe(signal);
      release();
      out.close();
    }
  });
  return out;
}
