import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import {
  background,
  Canceled,
  chan,
  fromAsyncIterable,
  go,
  InvalidArgumentError,
  nil,
  toWritable,
  withCancel,
  type Chan,
} from '../../../runtime/index.js';
import { isPending } from '../chan/helpers.js';

/** turns lets a few macrotasks go by, so that whatever the streams scheduled has happened (no timer involved). */
async function turns(n = 5): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
}

/**
 * held is an object-mode Writable whose writes complete only when the test releases them: it records the values,
 * the pending callbacks, the largest buffer it ever had and the 'drain' events.
 */
function held(highWaterMark: number): {
  w: Writable;
  values: unknown[];
  pending: ((err?: Error | null) => void)[];
  maxBuffered: () => number;
  drains: () => number;
} {
  const values: unknown[] = [];
  const pending: ((err?: Error | null) => void)[] = [];
  let maxBuffered = 0;
  let drains = 0;
  const w = new Writable({
    objectMode: true,
    highWaterMark,
    write(chunk: unknown, _enc, cb) {
      values.push(chunk);
      maxBuffered = Math.max(maxBuffered, w.writableLength);
      pending.push(cb);
    },
  });
  w.on('drain', () => drains++);
  return { w, values, pending, maxBuffered: () => maxBuffered, drains: () => drains };
}

/** sink is an object-mode Writable that completes each write at once and collects the values. */
function sink(): { w: Writable; values: unknown[] } {
  const values: unknown[] = [];
  const w = new Writable({
    objectMode: true,
    write(chunk: unknown, _enc, cb) {
      values.push(chunk);
      cb();
    },
  });
  return { w, values };
}

/** produce starts a goroutine that sends 1..n on ch (closing it after) and returns how many sends completed. */
function produce(ch: Chan<number>, n: number, close = true): () => number {
  let sent = 0;
  go(async () => {
    for (let i = 1; i <= n; i++) {
      await ch.send(i);
      sent = i;
    }
    if (close) ch.close();
  });
  return () => sent;
}

describe('toWritable', () => {
  it('writes every value in order, ends the Writable, and resolves once it has finished', async () => {
    const ch = chan<number>(4);
    produce(ch, 100);
    const { w, values } = sink();
    let finished = false;
    w.on('finish', () => (finished = true));
    await toWritable(ch, w);
    expect(finished).toBe(true);
    expect(values).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it("waits for 'drain' when write() returns false, and holds the senders back through the channel", async () => {
    const hwm = 2;
    const cap = 3;
    const ch = chan<number>(cap);
    const sent = produce(ch, 20);
    const h = held(hwm);
    const done = toWritable(ch, h.w);
    await turns();
    // One write in _write, one buffered: write() returned false at the highWaterMark, so toWritable waits.
    expect(h.values).toEqual([1]);
    expect(h.w.writableLength).toBe(hwm);
    expect(ch.len()).toBe(cap); // the channel is full
    expect(sent()).toBe(hwm + cap); // and the producer is parked on its next send
    await turns();
    expect(sent()).toBe(hwm + cap); // still: nothing moves until the Writable drains
    h.pending.shift()!();
    await turns();
    expect(h.drains()).toBe(0); // one value still buffered: no 'drain' yet, toWritable still waits
    expect(sent()).toBe(hwm + cap);
    // Release every write as it comes: the rest flows, never past the highWaterMark.
    while (await isPending(done, 1)) h.pending.shift()?.();
    await done;
    expect(h.values).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect(h.drains()).toBeGreaterThan(0);
    expect(h.maxBuffered()).toBeLessThanOrEqual(hwm);
    expect(h.w.writableFinished).toBe(true);
  });

  it('with end: false leaves the Writable open, resolves once every write completed, and removes its listeners', async () => {
    const ch = chan<number>(1);
    produce(ch, 5);
    const h = held(1);
    const listeners = (): number[] => ['drain', 'error', 'close', 'finish'].map((e) => h.w.listenerCount(e));
    const before = listeners();
    const done = toWritable(ch, h.w, { end: false });
    while (await isPending(done, 1)) h.pending.shift()?.();
    await done;
    expect(h.values).toEqual([1, 2, 3, 4, 5]);
    expect(h.w.writableEnded).toBe(false);
    expect(h.pending).toHaveLength(0);
    expect(listeners()).toEqual(before);
  });

  describe('failures', () => {
    it('rejects with an error the Writable reports, and leaves the senders to their context', async () => {
      const boom = new Error('EPIPE');
      const ch = chan<number>(1);
      const sent = produce(ch, 10);
      const w = new Writable({
        objectMode: true,
        write(chunk: number, _enc, cb) {
          cb(chunk === 3 ? boom : null);
        },
      });
      await expect(toWritable(ch, w)).rejects.toBe(boom);
      expect(w.destroyed).toBe(true);
      await turns();
      expect(sent()).toBeLessThan(10); // the producer is parked: cancel its context to stop it
    });

    it('rejects with the throw of a write() that refuses the value, and destroys the Writable', async () => {
      const ch = chan<unknown>(1);
      ch.trySend(42); // a number, to a byte-mode stream
      const w = new Writable({ write: (_c, _e, cb) => cb() });
      w.on('error', () => {}); // destroy(err) emits it
      const err: unknown = await toWritable(ch, w).catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('ERR_INVALID_ARG_TYPE');
      expect(w.destroyed).toBe(true);
    });

    it('rejects with the err() of a failed source channel, destroying the Writable rather than ending it', async () => {
      const boom = new Error('truncated input');
      const src = fromAsyncIterable((async function* () {
        yield 'a';
        yield 'b';
        throw boom;
      })(), 1);
      const { w, values } = sink();
      let finished = false;
      w.on('finish', () => (finished = true));
      await expect(toWritable(src, w)).rejects.toBe(boom);
      expect(values).toEqual(['a', 'b']);
      expect(finished).toBe(false);
      expect(w.destroyed).toBe(true);
    });

    it('rejects with ERR_STREAM_PREMATURE_CLOSE when the Writable is destroyed under it', async () => {
      const ch = chan<number>();
      const { w } = sink();
      const done = toWritable(ch, w);
      await turns();
      w.destroy();
      const err: unknown = await done.catch((e: unknown) => e);
      expect((err as { code?: string }).code).toBe('ERR_STREAM_PREMATURE_CLOSE');
    });
  });

  describe('cancel', () => {
    it('rejects with the cause when the ctx is canceled while it waits for a value; destroys the Writable', async () => {
      const ch = chan<number>();
      const [ctx, cancel] = withCancel(background());
      const { w } = sink();
      w.on('error', () => {});
      const done = toWritable(ch, w, { ctx });
      expect(await isPending(done)).toBe(true);
      cancel();
      await expect(done).rejects.toBe(Canceled);
      expect(w.destroyed).toBe(true);
    });

    it("rejects when the signal aborts while it waits for 'drain'; with end: false the Writable is left alone", async () => {
      const ch = chan<number>(4);
      produce(ch, 10, false);
      const h = held(1);
      const ac = new AbortController();
      const listeners = (): number[] => ['drain', 'error', 'close', 'finish'].map((e) => h.w.listenerCount(e));
      const before = listeners();
      const done = toWritable(ch, h.w, { signal: ac.signal, end: false });
      await turns();
      expect(h.w.writableNeedDrain).toBe(true);
      ac.abort('stop');
      await expect(done).rejects.toBe('stop');
      expect(h.w.destroyed).toBe(false);
      expect(listeners()).toEqual(before);
      h.w.destroy();
    });

    it('waits on a nil channel until canceled', async () => {
      const ac = new AbortController();
      const { w } = sink();
      const done = toWritable(nil, w, { signal: ac.signal, end: false });
      expect(await isPending(done)).toBe(true);
      ac.abort(new Error('timeout'));
      await expect(done).rejects.toThrow('timeout');
      expect(w.destroyed).toBe(false);
    });
  });

  it('rejects bad arguments (a call that returns a promise never throws)', async () => {
    const { w } = sink();
    const bad: [() => Promise<void>, string][] = [
      [() => toWritable({} as never, w), 'toWritable: ch must be a channel or null, got {}'],
      [() => toWritable(chan(), {} as never), 'toWritable: writable must be a stream.Writable, got {}'],
      [() => toWritable(chan(), w, { end: 'yes' as never }), 'toWritable: end must be a boolean, got "yes"'],
      [() => toWritable(chan(), w, { ctx: null as never }), 'toWritable: ctx must be a Context, got null'],
    ];
    for (const [call, message] of bad) {
      let p: Promise<void> | undefined;
      expect(() => (p = call())).not.toThrow();
      await expect(p).rejects.toThrow(InvalidArgumentError);
      await expect(p).rejects.toThrow(message);
    }
  });
});
