import { afterEach, describe, expect, it } from 'vitest';
import { go, sharedChan } from '../../../runtime/index.js';
import { int32 } from '../../../runtime/shared/codecs/scalars.js';
import { runFixture } from '../../fixtures/run.js';
import { onThread, terminateAll } from './thread-harness.js';

afterEach(terminateAll);

describe('threads parked on shared channels', () => {
  it('use no CPU while every goroutine is parked', async () => {
    const a = sharedChan(int32, 0);
    const b = sharedChan(int32, 0);
    const flags = new Int32Array(new SharedArrayBuffer(8));
    const worker = onThread('recvOnce', a, flags); // parks on a for good
    let got: number | undefined = -1;
    go(async () => {
      got = await b.recv(); // parks on b for good
    });
    while (Atomics.load(flags, 0) === 0) await new Promise((r) => setTimeout(r, 5));
    await new Promise((r) => setTimeout(r, 100)); // let both settle into sleep (spins are bounded to ~1 ms)
    const before = process.cpuUsage();
    await new Promise((r) => setTimeout(r, 500));
    const used = process.cpuUsage(before);
    const ms = (used.user + used.system) / 1000;
    expect(ms).toBeLessThan(25); // well under 5% of one core over 500 ms
    a.close();
    b.close();
    expect(await worker.result).toEqual({ value: undefined, ok: false });
    await new Promise((r) => setImmediate(r));
    expect(got).toBeUndefined();
  });

  it('keep the process alive while waiting, and let it exit once nothing waits', () => {
    const r = runFixture('spec/fixtures/shared-keep-alive.ts');
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('received 42\n');
    expect(r.code).toBe(0);
  });
});
