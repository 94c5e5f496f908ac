import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { describe, expect, it } from 'vitest';
import { fromAsyncIterable, synctest, sleep } from '../../../runtime/index.js';
import { Pipeline } from '../../../patterns/index.js';
import { range } from './helpers.js';

/** numbers is an object-mode Readable of 0..limit-1 that counts its _read calls. */
function numbers(limit: number, highWaterMark = 4): { r: Readable; reads: () => number } {
  let reads = 0;
  let n = 0;
  const r = new Readable({
    objectMode: true,
    highWaterMark,
    read() {
      reads++;
      this.push(n < limit ? n++ : null);
    },
  });
  return { r, reads: () => reads };
}

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

describe('Pipeline: a Readable source', () => {
  it('runs the objects of an object-mode stream, in order', () =>
    synctest.run(async () => {
      const p = new Pipeline<number>().addStage('double', async (x) => (await sleep(x % 3), x * 2), { concurrency: 4 });
      expect(await collect(p.processStream(numbers(50).r))).toEqual(range(50).map((x) => x * 2));
      expect(p.activeGoroutines).toBe(0);
    }));

  it('runs the chunks of a byte stream (Buffers, or strings after setEncoding)', () =>
    synctest.run(async () => {
      const text = 'abcdefghij'.repeat(100);
      let at = 0;
      const r = new Readable({
        highWaterMark: 64,
        read() {
          this.push(at < text.length ? text.slice(at, (at += 37)) : null);
        },
      });
      r.setEncoding('utf8');
      const p = new Pipeline<string>().addStage('upper', (s) => s.toUpperCase());
      expect((await collect(p.processStream(r))).join('')).toBe(text.toUpperCase());
    }));

  it('pauses the stream when the pipeline is slow: what is read and not delivered stays within the window', () =>
    synctest.run(async () => {
      const hwm = 4;
      const { r, reads } = numbers(300, hwm);
      const p = new Pipeline<number>()
        .addStage('fast', (x) => x, { bufferSize: 2, concurrency: 1 })
        .addStage('slow', async (x) => (await sleep(10), x), { bufferSize: 2, concurrency: 2 });
      const window = 2 + 1 + 2 + 2;
      let delivered = 0;
      let most = 0;
      for await (const _ of p.processStream(r)) {
        delivered++;
        most = Math.max(most, reads() - delivered);
        await sleep(5);
        most = Math.max(most, reads() - delivered);
      }
      expect(delivered).toBe(300);
      // The feeder holds at most the window; the stream buffers its highWaterMark and one read in flight.
      expect(most).toBeLessThanOrEqual(window + hwm + 1);
    }));

  it("ends the run with the stream's error", () =>
    synctest.run(async () => {
      const boom = new Error('socket hang up');
      let n = 0;
      const r = new Readable({
        objectMode: true,
        read() {
          if (n < 3) this.push(n++);
          else this.destroy(boom);
        },
      });
      const p = new Pipeline<number>().addStage('id', (x) => x);
      const seen: number[] = [];
      await expect((async () => {
        for await (const v of p.processStream(r)) seen.push(v);
      })()).rejects.toBe(boom);
      expect(seen).toEqual([0, 1, 2]);
      expect(p.activeGoroutines).toBe(0);
    }));

  it('destroys the stream at once on break, even while a read waits for data that never comes', () =>
    synctest.run(async () => {
      let n = 0;
      const r = new Readable({
        objectMode: true,
        read() {
          if (n < 2) this.push(n++); // then silence, like a quiet socket
        },
      });
      const p = new Pipeline<number>().addStage('id', (x) => x);
      const seen: number[] = [];
      for await (const v of p.processStream(r)) {
        seen.push(v);
        if (seen.length === 2) break;
      }
      expect(seen).toEqual([0, 1]);
      expect(r.destroyed).toBe(true);
      expect(p.activeGoroutines).toBe(0);
    }));

  it('takes the lines of a stream through readline', () =>
    synctest.run(async () => {
      const input = Readable.from(['alpha,1\nbe', 'ta,2\ngamma,3\n']);
      const p = new Pipeline<string>().addStage('parse', (line) => {
        const [name, qty] = line.split(',');
        return { name, qty: Number(qty) };
      });
      expect(await collect(p.processStream(createInterface({ input, crlfDelay: Infinity })))).toEqual([
        { name: 'alpha', qty: 1 },
        { name: 'beta', qty: 2 },
        { name: 'gamma', qty: 3 },
      ]);
    }));
});

describe('Pipeline: async iterable sources', () => {
  it('runs an async generator, and returns it on break (its finally runs)', () =>
    synctest.run(async () => {
      let closed = false;
      async function* gen(): AsyncGenerator<number> {
        try {
          for (let i = 0; ; i++) yield i;
        } finally {
          closed = true;
        }
      }
      const p = new Pipeline<number>().addStage('sq', (x) => x * x, { concurrency: 3 });
      const seen: number[] = [];
      for await (const v of p.processStream(gen())) {
        seen.push(v);
        if (seen.length === 5) break;
      }
      expect(seen).toEqual([0, 1, 4, 9, 16]);
      expect(closed).toBe(true);
      expect(p.activeGoroutines).toBe(0);
    }));

  it("ends the run with an async generator's error", () =>
    synctest.run(async () => {
      async function* gen(): AsyncGenerator<number> {
        yield 1;
        throw new Error('bad record');
      }
      const p = new Pipeline<number>().addStage('id', (x) => x);
      await expect(collect(p.processStream(gen()))).rejects.toThrow('bad record');
    }));

  it('runs a channel made by fromAsyncIterable, and ends with its err()', () =>
    synctest.run(async () => {
      const boom = new Error('upstream failed');
      async function* gen(): AsyncGenerator<number> {
        yield* [1, 2, 3];
        throw boom;
      }
      const p = new Pipeline<number>().addStage('inc', (x) => x + 1);
      const seen: number[] = [];
      await expect((async () => {
        for await (const v of p.processStream(fromAsyncIterable(gen(), 2))) seen.push(v);
      })()).rejects.toBe(boom);
      expect(seen).toEqual([2, 3, 4]);
    }));
});
