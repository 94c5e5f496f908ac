/**
 * The channel types: Go's `chan T`, `chan<- T` and `<-chan T` as `Chan<T>`, `SendChan<T>` and `RecvChan<T>`.
 *
 * The direction types are enforced by the compiler: a RecvChan has no send, trySend or close; a SendChan has no
 * recv, tryRecv or iteration. A `Chan<T>` is assignable to either. `null` is Go's nil channel (see `nil`).
 * Local channels and shared-memory channels implement the same interfaces.
 */

/**
 * RecvResult is Go's comma-ok receive, `v, ok := <-ch`: `ok` is true with the received value, or false with
 * `undefined` (the zero value) once the channel is closed and drained. It is a union discriminated by `ok`, so
 * testing `ok` narrows `value` to T.
 *
 * @example
 * const r = await ch.recvOk();
 * if (r.ok) total += r.value; // r.value: T here
 */
export type RecvResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly value: undefined };

/**
 * SendChan is the send-only view of a channel, Go's `chan<- T`.
 *
 * @example
 * async function produce(out: SendChan<number>): Promise<void> {
 *   for (let i = 0; i < 3; i++) await out.send(i);
 *   out.close(); // the sender closes; a receive here would not compile
 * }
 * const ch = chan<number>();
 * go(produce, ch);
 * for await (const v of ch) console.log(v); // 0 1 2
 */
export interface SendChan<in T> {
  /**
   * send delivers `value`, parking until a receiver takes it (unbuffered) or there is room in the buffer. It never
   * throws: on a closed channel it returns a promise rejected with ChannelClosedError (Go's `send on closed channel`
   * panic, the goroutine's panic once awaited), and it rejects with it if the channel is closed while parked.
   * Parked senders are served FIFO.
   */
  send(value: T): Promise<void>;
  /** trySend sends `value` only if that completes at once; it reports whether it did. Throws on a closed channel. */
  trySend(value: T): boolean;
  /** close closes the channel: parked receivers get the zero value, parked senders are woken with the panic. */
  close(): void;
  /** len is the number of values in the buffer. */
  len(): number;
  /** cap is the buffer's capacity (0 for an unbuffered channel). */
  cap(): number;
}

/**
 * RecvChan is the receive-only view of a channel, Go's `<-chan T`. `for await` ranges over it until it is closed.
 *
 * @example
 * async function sum(src: RecvChan<number>): Promise<number> {
 *   let total = 0;
 *   for await (const v of src) total += v; // ends when src is closed and drained
 *   return total;
 * }
 * const ch = chan<number>(3);
 * await ch.send(1); await ch.send(2); ch.close();
 * console.log(await sum(ch)); // 3
 */
export interface RecvChan<out T> extends AsyncIterable<T> {
  /**
   * recv receives a value, parking until one is available. Once the channel is closed and drained it resolves to
   * `undefined` (the zero value) at once, forever. Parked receivers are served FIFO.
   */
  recv(): Promise<T | undefined>;
  /** recvOk is Go's `v, ok := <-ch`: `ok` tells a received value from the zero value of a closed channel. */
  recvOk(): Promise<RecvResult<T>>;
  /** tryRecv receives only if that completes at once: a result, or `undefined` when it would block. */
  tryRecv(): RecvResult<T> | undefined;
  len(): number;
  cap(): number;
}

/**
 * Chan is a bidirectional channel, Go's `chan T`. Make one with `chan<T>(capacity)`.
 *
 * @example
 * const ch: Chan<string> = chan<string>(1); // assignable to SendChan<string> and RecvChan<string>
 * await ch.send('ping');
 * console.log(await ch.recv(), ch.len(), ch.cap()); // ping 0 1
 */
export interface Chan<in out T> extends SendChan<T>, RecvChan<T> {}
