/** Goroutines on worker threads talking through shared channels, started by the scheduler. */
import { describe, expect, it } from 'vitest';
import { go, codec, sharedChan, isThreadDiedError, goThread } from '../../../runtime/index.js';
import { lockAndExit, produce, sumAll } from './tasks/channels.js';
import { useThreads } from './use-threads.js';

useThreads({ threads: 2 });

describe('shared channels as task arguments', () => {
  it('carry values between goroutines on different workers and the main thread', async () => {
    const ch = sharedChan(codec.int32, 64);
    const out = sharedChan(codec.float64, 2);
    go(sumAll, ch, out);
    await Promise.all([goThread(produce, ch, 0, 5_000), goThread(produce, ch, 1_000_000, 5_000)]);
    ch.close();
    expect(await out.recv()).toBe(10_000);
    let want = 0;
    for (let i = 0; i < 5_000; i++) want += i + 1_000_000 + i;
    expect(await out.recv()).toBe(want);
  });

  it('stay usable after a worker died holding a channel lock', async () => {
    const ch = sharedChan(codec.int32, 4);
    await expect(goThread(lockAndExit, ch)).rejects.toSatisfy(isThreadDiedError);
    expect(ch.trySend(1)).toBe(true);
    expect(await ch.recv()).toBe(1);
  });
});
