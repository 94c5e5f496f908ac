import { Readable, Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { describe, expect, it } from 'vitest';
import {
  background,
  Canceled,
  chan,
  fromAsyncIterable,
  go,
  InvalidArgumentError,
  nil,
  synctest,
  toAsyncIterable,
  withCancel,
} from '../../../runtime/index.js';
import { isPending } from '../chan/helpers.js';

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const v of it) out.push(v);
  return out;
}

describe('toAsyncIterable', () => {
  it('yields every value until the channel is closed and drained, like for await over the channel', async () => {
    await synctest.run(async () => {
      const ch = chan<number>(2);
      go(async () => {
        for (let i = 1; i <= 5; i++) await ch.send(i);
        ch.close();
      });
      expect(await collect(toAsyncIterable(ch))).toEqual([1, 2, 3, 4, 5]);
      expect(await collect(toAsyncIterable(ch))).toEqual([]); // closed: a new iteration ends at once
    });
  });

  it('break ends that iteration only: the channel stays open, its values stay, its senders are not told', async () => {
    await synctest.run(async () => {
      const ch = chan<number>(1);
      let sent = 0;
      go(async () => {
        for (let i = 1; i <= 4; i++) {
          await ch.send(i);
          sent = i;
        }
        ch.close();
      });
      for await (const v of toAsyncIterable(ch)) if (v === 1) break;
      await synctest.wait();
      expect(sent).toBe(2); // 2 is in the buffer, the sender is parked with 3: nobody closed or drained anything
      expect(ch.len()).toBe(1);
      expect(await collect(toAsyncIterable(ch))).toEqual([2, 3, 4]);
    });
  });

  it('never yields over a nil channel', async () => {
    const it = toAsyncIterable<number>(nil)[Symbol.asyncIterator]();
    expect(await isPending(it.next())).toBe(true);
  });

  it('ends an iteration over a nil channel when it is canceled, with the cause', async () => {
    await synctest.run(async () => {
      const ac = new AbortController();
      const it = toAsyncIterable<number>(nil, { signal: ac.signal })[Symbol.asyncIterator]();
      const next = it.next();
      await synctest.wait();
      ac.abort('bye');
      await expect(next).rejects.toBe('bye');
      expect(await it.next()).toEqual({ value: undefined, done: true }); // over
    });
  });

  it('throws the cause when the ctx is canceled while it waits, or before, even if values are ready', async () => {
    await synctest.run(async () => {
      const ch = chan<number>(3);
      const [ctx, cancel] = withCancel(background());
      const it = toAsyncIterable(ch, { ctx })[Symbol.asyncIterator]();
      const next = it.next();
      await synctest.wait();
      cancel();
      await expect(next).rejects.toBe(Canceled);

      const [ctx2, cancel2] = withCancel(background());
      ch.trySend(7);
      const it2 = toAsyncIterable(ch, { ctx: ctx2 })[Symbol.asyncIterator]();
      expect(await it2.next()).toEqual({ value: 7, done: false });
      ch.trySend(8);
      cancel2();
      await expect(it2.next()).rejects.toBe(Canceled);
      expect(ch.len()).toBe(1); // the 8 is still there
    });
  });

  it('throws the err() of a channel made by fromAsyncIterable after its last value', async () => {
    await synctest.run(async () => {
      const boom = new Error('bad row');
      const src = fromAsyncIterable((async function* () {
        yield 'a';
        throw boom;
      })());
      const got: string[] = [];
      await expect((async () => {
        for await (const v of toAsyncIterable(src)) got.push(v);
      })()).rejects.toBe(boom);
      expect(got).toEqual(['a']);
    });
  });

  it('feeds a node:stream pipeline through Readable.from', async () => {
    const ch = chan<string>(4);
    go(async () => {
      for (const w of ['a', 'b', 'c']) await ch.send(w);
      ch.close();
    });
    let written = '';
    await pipeline(
      Readable.from(toAsyncIterable(ch)),
      new Writable({
        objectMode: true,
        write(chunk: string, _enc, cb) {
          written += chunk;
          cb();
        },
      }),
    );
    expect(written).toBe('abc');
  });

  it('rejects bad arguments at the call', () => {
    expect(() => toAsyncIterable([1] as never)).toThrow(InvalidArgumentError);
    expect(() => toAsyncIterable([1] as never)).toThrow('toAsyncIterable: ch must be a channel or null, got [1]');
    expect(() => toAsyncIterable(chan(), { signal: 'x' as never })).toThrow(
      'toAsyncIterable: signal must be an AbortSignal, got "x"',
    );
  });
});
