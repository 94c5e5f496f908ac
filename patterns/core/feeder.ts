/**
 * Feeder is an ordered run's first goroutine (ordered-run.ts): for each item it takes a window token, pulls the
 * source, numbers the item and sends it on the run's first channel, until the source ends, throws, or the run is
 * canceled. It then closes the first channel and the token channel (it is the only sender on both), and calls the
 * source iterator's return() if the source did not end by itself (a Readable source is destroyed).
 *
 * Sources: an Iterable, an AsyncIterable, a Node Readable (read on demand, see below) or a gocsp channel. A channel is
 * received from directly, in a select with the run's end, so that a cancel leaves no receive pending on it (one that
 * would take a value from the channel later and lose it).
 *
 * The feeder's sends are plain channel operations: on cancel the run's drainers empty the token and first channels,
 * so the feeder never stays parked on them.
 *
 * Imports: ReadableIterator is not part of the runtime's public entry (runtime/index.ts exports fromReadable, a pump
 * goroutine that reads one value ahead); the feeder needs the on-demand iterator, which runtime/internal.ts lends it.
 */
import { type Chan, type Context, type RecvChan, recvCase, select } from '../../runtime/index.js';
import { isReadable, ReadableIterator } from '../../runtime/internal.js';

/** FeedSource is what a feeder pulls items from. */
export type FeedSource = Iterable<unknown> | AsyncIterable<unknown> | RecvChan<unknown>;

/** Envelope carries one item through a run: its sequence number, its current value, and whether it is still live. */
export interface Envelope {
  readonly seq: number;
  value: unknown;
  live: boolean;
}

/** FeedTarget is what the feeder writes to and reports to. */
export interface FeedTarget {
  readonly ctx: Context;
  readonly tokens: Chan<void>;
  readonly c0: Chan<Envelope>;
  readonly onPull?: (() => void) | undefined;
  fail(e: unknown): void;
}

export class Feeder {
  readonly #source: FeedSource;
  readonly #t: FeedTarget;
  #wake: (() => void) | null = null;

  constructor(source: FeedSource, target: FeedTarget) {
    this.#source = source;
    this.#t = target;
  }

  /** interrupt ends a pull in progress as if the run had been canceled first (the run calls it on cancel). */
  interrupt(): void {
    this.#wake?.();
  }

  /** run is the goroutine's body. Blocks on the token channel (the window) and on the first channel (backpressure). */
  async run(): Promise<void> {
    const source = this.#source;
    if (isRecvChan(source)) return this.#runChan(source);
    const { ctx, tokens, c0 } = this.#t;
    const isAsync = typeof (source as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
    let it: Iterator<unknown> | AsyncIterator<unknown> | undefined;
    let ended = false;
    let pulling = false;
    try {
      // A Readable is read with read() on demand by the runtime's iterator, whose return() destroys the stream at once,
      // even while a pull waits for data (Node's own iterator would queue it behind that pull).
      if (isReadable(source)) it = new ReadableIterator<unknown>(source);
      else it = isAsync ? (source as AsyncIterable<unknown>)[Symbol.asyncIterator]() : (source as Iterable<unknown>)[Symbol.iterator]();
      for (let seq = 0; ; seq++) {
        if (!tokens.trySend(undefined)) await tokens.send(undefined);
        if (ctx.err() !== null) return;
        let r: IteratorResult<unknown> | null;
        if (isAsync) {
          pulling = true;
          r = await this.#pull(it as AsyncIterator<unknown>);
          if (r !== null) pulling = false;
        } else {
          r = (it as Iterator<unknown>).next();
        }
        if (r === null) return;
        if (r.done === true) {
          ended = true;
          return;
        }
        this.#t.onPull?.();
        const env: Envelope = { seq, value: r.value, live: true };
        if (!c0.trySend(env)) await c0.send(env);
      }
    } catch (e) {
      ended = true; // a source that threw is finished: no return() on it
      this.#t.fail(e);
    } finally {
      c0.close();
      tokens.close();
      if (it !== undefined && !ended && typeof it.return === 'function') {
        // A pull still pending would queue return() behind it: call it, but do not wait for a source that hangs.
        const done = Promise.resolve()
          .then(() => it!.return!())
          .catch(() => undefined);
        if (!pulling) await done;
      }
    }
  }

  /** #runChan is run for a channel source. */
  async #runChan(source: RecvChan<unknown>): Promise<void> {
    const { ctx, tokens, c0 } = this.#t;
    const done = ctx.done()!;
    try {
      for (let seq = 0; ; seq++) {
        if (!tokens.trySend(undefined)) await tokens.send(undefined);
        if (ctx.err() !== null) return;
        const r = source.tryRecv() ?? (await select([recvCase(source, (value, ok) => ({ value, ok })), recvCase(done, () => null)]));
        if (r === null) return;
        if (!r.ok) {
          // Closed: its own iterator says how it ended (a SourceChan's throws the error its source failed with).
          await source[Symbol.asyncIterator]().next();
          return;
        }
        this.#t.onPull?.();
        const env: Envelope = { seq, value: r.value, live: true };
        if (!c0.trySend(env)) await c0.send(env);
      }
    } catch (e) {
      this.#t.fail(e);
    } finally {
      c0.close();
      tokens.close();
    }
  }

  /**
   * pull is one `next()` of an async source that a cancel can interrupt: it resolves with the result, or with null
   * once interrupt() is called, so that a source whose pull never settles cannot hold the run. It is a plain promise,
   * not a parked gocsp operation (a synctest bubble must not count the feeder as parked while the source works), and
   * it holds nothing once it settles (a single long-lived abort promise raced against every pull would collect one
   * reaction per item).
   */
  #pull(it: AsyncIterator<unknown>): Promise<IteratorResult<unknown> | null> {
    return new Promise((resolve, reject) => {
      this.#wake = () => resolve(null);
      it.next().then(
        (r) => {
          this.#wake = null;
          resolve(r);
        },
        (e: unknown) => {
          this.#wake = null;
          reject(e);
        },
      );
    });
  }
}

/** isRecvChan tells a gocsp channel from other sources (a channel is also an AsyncIterable). */
function isRecvChan(x: FeedSource): x is RecvChan<unknown> {
  const c = x as Partial<RecvChan<unknown>>;
  return typeof c.tryRecv === 'function' && typeof c.recvOk === 'function';
}
