import { createReadStream, readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  background,
  Canceled,
  fromReadable,
  InvalidArgumentError,
  synctest,
  withCancel,
  type RecvChan,
} from '../../../runtime/index.js';

/** numbers is an object-mode Readable of 1..limit that counts its _read calls. */
function numbers(limit: number, highWaterMark: number): { r: Readable; reads: () => number } {
  let reads = 0;
  let n = 0;
  const r = new Readable({
    objectMode: true,
    highWaterMark,
    read() {
      reads++;
      this.push(n < limit ? ++n : null);
    },
  });
  return { r, reads: () => reads };
}

async function drain<T>(ch: RecvChan<T>): Promise<T[]> {
  const out: T[] = [];
  for (let r = await ch.recvOk(); r.ok; r = await ch.recvOk()) out.push(r.value as T);
  return out;
}

/** turns lets a few macrotasks go by, so that whatever the streams scheduled has happened (no timer involved). */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

describe('fromReadable', () => {
  it('sends each object of an object-mode stream, in order, and closes at the end', async () => {
    await synctest.run(async () => {
      const { r } = numbers(50, 4);
      const src = fromReadable<number>(r, 3);
      expect(await drain(src)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
      expect(src.err()).toBeNull();
    });
  });

  it('sends Buffers in byte mode, strings after setEncoding; the bytes are the stream bytes', async () => {
    const text = 'line one\nline two\nline three\n'.repeat(20);
    const chunked = (): Readable => {
      let at = 0;
      return new Readable({
        highWaterMark: 16,
        read() {
          this.push(at < text.length ? Buffer.from(text.slice(at, (at += 7))) : null);
        },
      });
    };
    await synctest.run(async () => {
      const bufs = await drain(fromReadable<Buffer>(chunked(), 2));
      expect(bufs.every((b) => Buffer.isBuffer(b))).toBe(true);
      expect(Buffer.concat(bufs).toString()).toBe(text);
      const r = chunked();
      r.setEncoding('utf8');
      const strs = await drain(fromReadable<string>(r, 2));
      expect(strs.every((s) => typeof s === 'string')).toBe(true);
      expect(strs.join('')).toBe(text);
    });
  });

  it('reads a file through the channel', async () => {
    const path = fileURLToPath(import.meta.url);
    const src = fromReadable(createReadStream(path, { highWaterMark: 256 }), 2);
    const chunks = await drain(src);
    expect(chunks.length).toBeGreaterThan(1);
    expect(Buffer.concat(chunks).equals(readFileSync(path))).toBe(true);
    expect(src.err()).toBeNull();
  });

  it('pauses the stream while the channel is full: _read is not called, memory stays bounded', async () => {
    await synctest.run(async () => {
      const cap = 3;
      const hwm = 2;
      const { r, reads } = numbers(1_000, hwm);
      const src = fromReadable<number>(r, cap);
      await synctest.wait(); // the pump is parked on the full channel
      await turns();
      const before = reads();
      // The channel holds cap values, the pump one, the stream its highWaterMark: and nothing else was read.
      expect(src.len()).toBe(cap);
      expect(r.readableLength).toBe(hwm);
      expect(before).toBe(cap + 1 + hwm);
      await turns();
      await synctest.wait();
      expect(reads()).toBe(before); // nothing read while nobody receives
      expect(await src.recv()).toBe(1);
      expect(await src.recv()).toBe(2);
      await synctest.wait();
      await turns();
      expect(reads()).toBe(before + 2); // the stream is read again, one item per value taken
      src.stop();
      expect(r.destroyed).toBe(true);
    });
  });

  describe('errors', () => {
    it("closes the channel after the values sent, with the stream's 'error' in err() and thrown by for await", async () => {
      await synctest.run(async () => {
        const boom = new Error('EIO');
        let n = 0;
        const r = new Readable({
          objectMode: true,
          read() {
            if (++n <= 3) this.push(n);
            else this.destroy(boom);
          },
        });
        const src = fromReadable<number>(r, 0);
        const got: number[] = [];
        let caught: unknown;
        try {
          for await (const v of src) got.push(v);
        } catch (e) {
          caught = e;
        }
        expect(got).toEqual([1, 2, 3]);
        expect(caught).toBe(boom);
        expect(src.err()).toBe(boom);
      });
    });

    it('keeps an error emitted before the pump starts (no unhandled error event)', async () => {
      await synctest.run(async () => {
        const boom = new Error('ENOENT');
        const r = new Readable({ read() {} });
        const src = fromReadable(r, 1);
        r.destroy(boom);
        expect(await drain(src)).toEqual([]);
        expect(src.err()).toBe(boom);
      });
    });

    it('reports a stream destroyed before its end as ERR_STREAM_PREMATURE_CLOSE', async () => {
      await synctest.run(async () => {
        const r = new Readable({ read() {} });
        const src = fromReadable(r);
        r.destroy();
        await drain(src);
        expect((src.err() as { code?: string }).code).toBe('ERR_STREAM_PREMATURE_CLOSE');
      });
    });

    it('surfaces the error of a file that does not exist', async () => {
      const src = fromReadable(createReadStream(fileURLToPath(new URL('./no-such-file.txt', import.meta.url))));
      await expect(drain(src)).resolves.toEqual([]);
      expect((src.err() as { code?: string }).code).toBe('ENOENT');
    });
  });

  describe('stopping early', () => {
    it('stop() destroys a stalled stream at once, and the pump returns', async () => {
      // Node's own async iterator would wait for data before its return() could run; synctest.run resolves only
      // once the pump goroutine has returned.
      await synctest.run(async () => {
        const r = new Readable({ read() {} }); // never produces anything
        const src = fromReadable(r, 1);
        await turns();
        src.stop();
        expect(r.destroyed).toBe(true);
        expect(await src.recvOk()).toEqual({ value: undefined, ok: false });
        expect(src.err()).toBeNull();
      });
    });

    it('a canceled ctx destroys the stream; err() is the cause', async () => {
      await synctest.run(async () => {
        const [ctx, cancel] = withCancel(background());
        const { r } = numbers(1_000, 2);
        const src = fromReadable<number>(r, 1, { ctx });
        expect(await src.recv()).toBe(1);
        cancel();
        await drain(src);
        expect(r.destroyed).toBe(true);
        expect(src.err()).toBe(Canceled);
      });
    });

    it('an aborted signal destroys the stream', async () => {
      await synctest.run(async () => {
        const ac = new AbortController();
        const { r } = numbers(1_000, 2);
        const src = fromReadable<number>(r, 1, { signal: ac.signal });
        expect(await src.recv()).toBe(1);
        const reason = new Error('client went away');
        ac.abort(reason);
        await drain(src);
        expect(r.destroyed).toBe(true);
        expect(src.err()).toBe(reason);
      });
    });
  });

  it('rejects bad arguments at the call', () => {
    const r = new Readable({ read() {} });
    const bad: [() => unknown, string][] = [
      [() => fromReadable({} as never), 'fromReadable: readable must be a stream.Readable, got {}'],
      [() => fromReadable([1, 2] as never), 'fromReadable: readable must be a stream.Readable, got [1,2]'],
      [() => fromReadable(r, -2), 'fromReadable: capacity must be a non-negative safe integer, got -2'],
      [() => fromReadable(r, 0, { ctx: 5 as never }), 'fromReadable: ctx must be a Context, got 5'],
    ];
    for (const [call, message] of bad) {
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(message);
    }
    r.destroy();
  });
});
