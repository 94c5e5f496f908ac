import { describe, expect, it } from 'vitest';
import {
  background,
  Canceled,
  chan,
  fromAsyncIterable,
  InvalidArgumentError,
  recvCase,
  select,
  synctest,
  withCancel,
  withCancelCause,
  type RecvChan,
} from '../../../runtime/index.js';

/** counted is an endless async source that records how many values it produced and whether it was returned. */
function counted(limit = Infinity): { gen: AsyncGenerator<number>; pulled: () => number; returned: () => boolean } {
  let pulled = 0;
  let returned = false;
  async function* gen(): AsyncGenerator<number> {
    try {
      while (pulled < limit) yield ++pulled;
    } finally {
      returned = true;
    }
  }
  return { gen: gen(), pulled: () => pulled, returned: () => returned };
}

async function drain<T>(ch: RecvChan<T>): Promise<T[]> {
  const out: T[] = [];
  for (let r = await ch.recvOk(); r.ok; r = await ch.recvOk()) out.push(r.value as T);
  return out;
}

describe('fromAsyncIterable', () => {
  it('sends every value of an async iterable in order, then closes the channel with err() null', async () => {
    await synctest.run(async () => {
      const src = fromAsyncIterable(counted(5).gen, 2);
      expect(src.cap()).toBe(2);
      const got: number[] = [];
      for await (const v of src) got.push(v);
      expect(got).toEqual([1, 2, 3, 4, 5]);
      expect(src.err()).toBeNull();
      expect(await src.recvOk()).toEqual({ value: undefined, ok: false });
    });
  });

  it('takes a sync iterable and awaits its promise values, as for await does', async () => {
    await synctest.run(async () => {
      const src = fromAsyncIterable<number>([1, Promise.resolve(2), 3]);
      expect(src.cap()).toBe(0);
      expect(await drain(src)).toEqual([1, 2, 3]);
      expect(src.err()).toBeNull();
    });
  });

  it('pulls at most capacity + 1 values ahead of the receiver (backpressure)', async () => {
    for (const cap of [0, 1, 3, 10]) {
      await synctest.run(async () => {
        const s = counted();
        const src = fromAsyncIterable(s.gen, cap);
        await synctest.wait(); // the pump is parked on a full channel
        expect(s.pulled()).toBe(cap + 1);
        expect(src.len()).toBe(cap);
        await synctest.wait();
        expect(s.pulled()).toBe(cap + 1); // still: nothing is pulled while nobody receives
        expect(await src.recv()).toBe(1);
        expect(await src.recv()).toBe(2);
        await synctest.wait();
        expect(s.pulled()).toBe(cap + 3);
        src.stop();
      });
    }
  });

  it('pulls a sync iterable lazily too', async () => {
    await synctest.run(async () => {
      let pulled = 0;
      function* naturals(): Generator<number> {
        for (;;) yield ++pulled;
      }
      const src = fromAsyncIterable(naturals(), 2);
      await synctest.wait();
      expect(pulled).toBe(3);
      src.stop();
    });
  });

  describe('a source that throws', () => {
    const boom = new Error('disk on fire');
    async function* failing(): AsyncGenerator<number> {
      yield 1;
      yield 2;
      throw boom;
    }

    it('makes for await throw the error after the last value', async () => {
      await synctest.run(async () => {
        const src = fromAsyncIterable(failing(), 1);
        const got: number[] = [];
        let caught: unknown;
        try {
          for await (const v of src) got.push(v);
        } catch (e) {
          caught = e;
        }
        expect(got).toEqual([1, 2]);
        expect(caught).toBe(boom);
        expect(src.err()).toBe(boom);
      });
    });

    it('closes the channel for recv, recvOk and select (Go semantics), with the error in err()', async () => {
      await synctest.run(async () => {
        const src = fromAsyncIterable(failing(), 5);
        expect(src.err()).toBeNull();
        expect(await drain(src)).toEqual([1, 2]);
        expect(src.err()).toBe(boom); // bufio.Scanner.Err()
        expect(await src.recv()).toBeUndefined();
        expect(await select([recvCase(src, (v, ok) => ({ v, ok }))])).toEqual({ v: undefined, ok: false });
      });
    });

    it('reports a source whose iterator cannot even be made', async () => {
      await synctest.run(async () => {
        const bad = { [Symbol.asyncIterator]: (): AsyncIterator<number> => { throw boom; } };
        const src = fromAsyncIterable(bad);
        expect(await src.recvOk()).toEqual({ value: undefined, ok: false });
        expect(src.err()).toBe(boom);
      });
    });

    it('turns a throw of undefined into an Error, so that err() is never null after a failure', async () => {
      await synctest.run(async () => {
        // eslint-disable-next-line @typescript-eslint/only-throw-error
        const src = fromAsyncIterable((async function* () { throw undefined; })());
        await drain(src);
        expect(src.err()).toBeInstanceOf(Error);
        expect((src.err() as Error).message).toBe('source threw undefined');
      });
    });

    it('closes a sync iterator whose promise value rejects, and reports the rejection', async () => {
      await synctest.run(async () => {
        let closed = false;
        function* gen(): Generator<Promise<number>> {
          try {
            yield Promise.resolve(1);
            yield Promise.reject(boom);
            yield Promise.resolve(3);
          } finally {
            closed = true;
          }
        }
        const src = fromAsyncIterable<number>(gen());
        expect(await drain(src)).toEqual([1]);
        expect(src.err()).toBe(boom);
        expect(closed).toBe(true);
      });
    });
  });

  describe('stopping early', () => {
    it('stop() calls the source return(), closes the channel and leaves err() null', async () => {
      await synctest.run(async () => {
        const s = counted();
        const src = fromAsyncIterable(s.gen, 2);
        expect(await src.recv()).toBe(1);
        await synctest.wait();
        src.stop();
        await synctest.wait();
        expect(s.returned()).toBe(true);
        expect(src.err()).toBeNull();
        // Values already buffered are still received, then the channel is closed.
        expect(await drain(src)).toEqual([2, 3]);
        src.stop(); // a second stop does nothing
      });
    });

    it('closing the channel (through a cast) is stop()', async () => {
      await synctest.run(async () => {
        const s = counted();
        const src = fromAsyncIterable(s.gen);
        expect(await src.recv()).toBe(1);
        (src as unknown as { close(): void }).close();
        await drain(src);
        expect(s.returned()).toBe(true);
        expect(src.err()).toBeNull();
      });
    });

    it('a canceled ctx stops the source; err() and for await give the cause', async () => {
      await synctest.run(async () => {
        const [ctx, cancel] = withCancel(background());
        const s = counted();
        const src = fromAsyncIterable(s.gen, 1, { ctx });
        expect(await src.recv()).toBe(1);
        cancel();
        let caught: unknown;
        try {
          for await (const _ of src);
        } catch (e) {
          caught = e;
        }
        expect(caught).toBe(Canceled);
        expect(src.err()).toBe(Canceled);
        expect(s.returned()).toBe(true);
      });
    });

    it('a ctx canceled with a cause gives that cause', async () => {
      await synctest.run(async () => {
        const [ctx, cancel] = withCancelCause(background());
        const src = fromAsyncIterable(counted().gen, 0, { ctx });
        const why = new Error('shutting down');
        cancel(why);
        await drain(src);
        expect(src.err()).toBe(why);
      });
    });

    it('an aborted signal stops the source; err() is the abort reason', async () => {
      await synctest.run(async () => {
        const ac = new AbortController();
        const s = counted();
        const src = fromAsyncIterable(s.gen, 0, { signal: ac.signal });
        expect(await src.recv()).toBe(1);
        ac.abort('enough');
        expect(await drain(src)).toEqual([]);
        expect(src.err()).toBe('enough');
        expect(s.returned()).toBe(true);
      });
    });

    it('a signal aborted before the call never pulls the source, and returns it', async () => {
      await synctest.run(async () => {
        const s = counted();
        const src = fromAsyncIterable(s.gen, 4, { signal: AbortSignal.abort('no') });
        expect(await src.recvOk()).toEqual({ value: undefined, ok: false });
        expect(s.pulled()).toBe(0);
        // return() on a generator that never started finishes it without running its body.
        expect(await s.gen.next()).toEqual({ value: undefined, done: true });
        expect(src.err()).toBe('no');
      });
    });

    it('calls return() at once while a pull is pending, and the pump does not wait for the pull', async () => {
      // synctest.run resolves only once the pump goroutine has returned.
      await synctest.run(async () => {
        let returns = 0;
        const hanging: AsyncIterable<number> = {
          [Symbol.asyncIterator]: () => ({
            next: () => new Promise<IteratorResult<number>>(() => {}),
            return: () => {
              returns++;
              return Promise.resolve({ value: undefined, done: true as const });
            },
          }),
        };
        const src = fromAsyncIterable(hanging);
        await Promise.resolve(); // the pump starts and pulls
        await Promise.resolve();
        src.stop();
        expect(returns).toBe(1);
        expect(await src.recvOk()).toEqual({ value: undefined, ok: false });
      });
    });

    it('does not call return() on a source that ended or threw by itself', async () => {
      await synctest.run(async () => {
        let returns = 0;
        const make = (fail: boolean): AsyncIterable<number> => ({
          [Symbol.asyncIterator]: () => {
            let i = 0;
            return {
              next: async () => {
                if (++i <= 2) return { value: i, done: false };
                if (fail) throw new Error('x');
                return { value: undefined, done: true };
              },
              return: async () => {
                returns++;
                return { value: undefined, done: true };
              },
            };
          },
        });
        for (const fail of [false, true]) {
          const src = fromAsyncIterable(make(fail), 1);
          expect(await drain(src)).toEqual([1, 2]);
          src.stop();
        }
        expect(returns).toBe(0);
      });
    });

    it('breaking out of for await does not stop the source: it is a channel', async () => {
      await synctest.run(async () => {
        const s = counted();
        const src = fromAsyncIterable(s.gen, 0);
        for await (const v of src) if (v === 2) break;
        expect(s.returned()).toBe(false);
        expect(await src.recv()).toBe(3); // another receiver goes on
        src.stop();
        await synctest.wait();
        expect(s.returned()).toBe(true);
      });
    });
  });

  it('shares the values among several receivers, each value going to one', async () => {
    await synctest.run(async () => {
      const src = fromAsyncIterable(counted(100).gen, 4);
      const seen = chan<number[]>(3);
      for (let i = 0; i < 3; i++) {
        void (async () => {
          const mine: number[] = [];
          for await (const v of src) mine.push(v);
          seen.trySend(mine);
        })();
      }
      const all = [...(await seen.recv())!, ...(await seen.recv())!, ...(await seen.recv())!].sort((a, b) => a - b);
      expect(all).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    });
  });

  it('rejects bad arguments at the call', () => {
    const gen = counted().gen;
    const bad: [() => unknown, string][] = [
      [() => fromAsyncIterable(42 as never), 'fromAsyncIterable: source must be an AsyncIterable or Iterable, got 42'],
      [() => fromAsyncIterable(null as never), 'fromAsyncIterable: source must be an AsyncIterable or Iterable, got null'],
      [() => fromAsyncIterable(gen, -1), 'fromAsyncIterable: capacity must be a non-negative safe integer, got -1'],
      [() => fromAsyncIterable(gen, 1.5), 'fromAsyncIterable: capacity must be a non-negative safe integer, got 1.5'],
      [() => fromAsyncIterable(gen, 0, 'x' as never), 'fromAsyncIterable: options must be an object, got "x"'],
      [() => fromAsyncIterable(gen, 0, { ctx: {} as never }), 'fromAsyncIterable: ctx must be a Context, got {}'],
      [() => fromAsyncIterable(gen, 0, { signal: 1 as never }), 'fromAsyncIterable: signal must be an AbortSignal, got 1'],
    ];
    for (const [call, message] of bad) {
      expect(call).toThrow(InvalidArgumentError);
      expect(call).toThrow(message);
    }
  });
});
