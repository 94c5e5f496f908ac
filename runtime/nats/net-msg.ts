/**
 * NetMsg is one value a pull request brought (puller.ts): its bytes, and its acknowledgements, each a reply to its
 * `$JS.ACK...` subject as JetStream's protocol defines them: `+ACK` (done: the work queue removes it), `-NAK` (hand it
 * back for any receiver), `+TERM` (never deliver it again), `+WPI` (still working: restart the ack wait). The first
 * of ack, nak and term is final and the others are then ignored, as on the server; working may repeat.
 *
 * The reply subject also says how often the server delivered the value and how many values the consumer had not yet
 * delivered when it sent this one: `$JS.ACK.<stream>.<consumer>.<deliveries>.<stream seq>.<consumer seq>.<time>.
 * <pending>`, or with `<domain>.<account hash>.` before the stream and a random token after pending (newer servers).
 */
import type { Msg, NatsConnection } from '@nats-io/nats-core';

const ACK = '+ACK';
/** ACK_ACK_TIMEOUT_MS bounds the wait for the server's confirmation of an ackAck. */
const ACK_ACK_TIMEOUT_MS = 5000;

export class NetMsg {
  readonly #m: Msg;
  readonly #nc: NatsConnection;
  #final = false;

  constructor(m: Msg, nc: NatsConnection) {
    this.#m = m;
    this.#nc = nc;
  }

  /** data is the value's bytes. */
  get data(): Uint8Array {
    return this.#m.data;
  }

  /** redelivered reports whether the server delivered this value before. */
  get redelivered(): boolean {
    return this.#token(4) > 1;
  }

  /** pending is how many values the consumer had not yet delivered when the server sent this one. */
  get pending(): number {
    return this.#token(8) || 0;
  }

  /** ack removes the value from the channel. Throws if the connection is closed. */
  ack(): void {
    this.#reply(ACK);
  }

  /** nak hands the value back: delivered again at once, or not before `delayMs` (JetStream's nak delay). */
  nak(delayMs = 0): void {
    this.#reply(delayMs > 0 ? `-NAK {"delay":${Math.round(delayMs * 1e6)}}` : '-NAK');
  }

  /** term tells the server never to deliver the value again (it cannot be decoded). */
  term(): void {
    this.#reply('+TERM');
  }

  /** working restarts the ack wait (the value is still being worked on). */
  working(): void {
    if (!this.#final) this.#m.respond('+WPI');
  }

  /**
   * ackAck acknowledges and resolves once the server confirmed it (true), or false if this value was acknowledged
   * (or handed back) already; rejects if no confirmation came within 5 s.
   */
  async ackAck(): Promise<boolean> {
    if (this.#final) return false;
    this.#final = true;
    await this.#nc.request(this.#m.reply!, ACK, { timeout: ACK_ACK_TIMEOUT_MS });
    return true;
  }

  #reply(what: string): void {
    if (this.#final) return;
    this.#final = true;
    this.#m.respond(what);
  }

  /**
   * #token reads field `i` of the reply subject as numbered in the older form ($JS 0, ACK 1, stream 2, consumer 3,
   * deliveries 4, ..., pending 8); the newer form has two more tokens before the stream (11, or 12 with the random
   * token). NaN for a subject of neither form.
   */
  #token(i: number): number {
    const t = (this.#m.reply ?? '').split('.');
    if (t[0] !== '$JS' || t[1] !== 'ACK' || (t.length !== 9 && t.length < 11)) return NaN;
    return Number(t[t.length === 9 ? i : i + 2]);
  }
}
