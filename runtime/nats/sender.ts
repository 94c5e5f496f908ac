/**
 * Sender is the sending side of a network channel in one process: publish, wait for the server's acknowledgement
 * (the value is stored), and wait for room when the channel is full.
 *
 * - Stored: send resolves on the PubAck, never before.
 * - Full: the stream refuses a publish beyond its capacity (max_msgs, discard 'new'); the send then waits and
 *   retries, backing off from 2 ms to 100 ms, as a Go sender parks on a full channel. Sends that found the channel
 *   full wait in a FIFO, and a new send of this process queues behind them, so this process's sends are stored in
 *   the order they were made, as Go's parked senders are served.
 * - Retried, not duplicated: every send carries a message id (Nats-Msg-Id) that stays the same across its retries,
 *   so a publish that was stored but whose acknowledgement was lost (a timeout, a server restart) is recognized by
 *   the stream's duplicate window (2 minutes) and not stored twice.
 * - Closed: a publish that finds no stream bound to the value subject means the channel was closed (stream.ts); the
 *   send rejects with ChannelClosedError, Go's `send on closed channel`, and so does every later send.
 * - Gone: the stream deleted or the connection closed: NatsChanGoneError. Anything else (a server restarting, a
 *   timeout) is retried with backoff up to 1 s, for as long as it takes, like a send parked in Go; and when the
 *   connection comes back, the sends waiting for their acknowledgement are published again at once (reconnected).
 */
import { nuid } from '@nats-io/nats-core';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { JetStreamApiError } from '@nats-io/jetstream';
import { ChannelClosedError } from '../panics.js';
import { goneError, refusedError } from './nats-errors.js';
import { isConnectionClosed, isPermissionDenied } from './receiver.js';
import { isClosed, isStreamNotFound, type Names } from './stream.js';

const MAX_MESSAGES_EXCEEDED = 10077;
const PUBLISH_TIMEOUT_MS = 5000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

interface Op {
  readonly bytes: Uint8Array;
  readonly msgID: string;
  /** settled: resolved or rejected (the first settles; later calls do nothing). */
  settled: boolean;
  resolve(): void;
  reject(e: unknown): void;
}

export class Sender {
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #names: Names;
  readonly #idPrefix = nuid.next();
  #seq = 0;
  /** #full holds the sends waiting for room, FIFO; the first is the one being retried. */
  readonly #full: Op[] = [];
  /** #inflight holds the sends whose publish is waiting for the server's acknowledgement, in the order made. */
  readonly #inflight = new Set<Op>();
  #closed = false;

  constructor(js: JetStreamClient, jsm: JetStreamManager, names: Names) {
    this.#js = js;
    this.#jsm = jsm;
    this.#names = names;
  }

  /** closed reports whether this process knows the channel is closed (it closed it, or a send found it closed). */
  get closed(): boolean {
    return this.#closed;
  }

  /** markClosed records a close: every send waiting for room, and every later send, panics. */
  markClosed(): void {
    this.#closed = true;
    const err = new ChannelClosedError();
    for (const op of this.#full.splice(0)) op.reject(err);
  }

  /** send publishes `bytes` and resolves once the server stored them (see the top). */
  send(bytes: Uint8Array): Promise<void> {
    if (this.#closed) return Promise.reject(new ChannelClosedError());
    return new Promise<void>((resolve, reject) => {
      const op: Op = {
        bytes,
        msgID: `${this.#idPrefix}.${++this.#seq}`,
        settled: false,
        resolve: () => ((op.settled = true), resolve()),
        reject: (e) => ((op.settled = true), reject(e)),
      };
      if (this.#full.length > 0) this.#full.push(op);
      else void this.#publish(op);
    });
  }

  /** #publish makes one send's first attempt; a full channel hands it to the FIFO of waiting sends. */
  async #publish(op: Op): Promise<void> {
    const r = await this.#attempt(op);
    if (r !== FULL) return;
    this.#full.push(op);
    if (this.#full.length === 1) void this.#drainFull();
  }

  /** #drainFull retries the first waiting send until it is stored, then the next, with backoff while full. */
  async #drainFull(): Promise<void> {
    let backoff = 2;
    while (this.#full.length > 0) {
      await sleep(backoff);
      const op = this.#full[0];
      if (op === undefined) return; // rejected by markClosed meanwhile
      const r = await this.#attempt(op);
      if (r === FULL) {
        backoff = Math.min(backoff * 2, 100);
        continue;
      }
      if (this.#full[0] === op) this.#full.shift();
      backoff = 2;
    }
  }

  /** #attempt publishes until stored (DONE, op settled), refused as full (FULL) or failed for good (DONE, rejected). */
  async #attempt(op: Op): Promise<typeof DONE | typeof FULL> {
    let backoff = 50;
    for (;;) {
      // Settled by a publish made again on a reconnect while this attempt backed off: stored, so not published
      // again (see reconnected: the stream may have forgotten its id).
      if (op.settled) return DONE;
      if (this.#closed) {
        op.reject(new ChannelClosedError());
        return DONE;
      }
      this.#inflight.add(op);
      try {
        await this.#publishOnce(op);
        op.resolve();
        return DONE;
      } catch (e) {
        if (op.settled) return DONE; // stored by a publish again after a reconnect (reconnected)
        if (e instanceof JetStreamApiError && e.code === MAX_MESSAGES_EXCEEDED) return FULL;
        if (isPermissionDenied(e)) {
          op.reject(refusedError(this.#names.stream, 'send', e as Error));
          return DONE;
        }
        const why = await this.#why(e);
        if (why === 'closed') {
          this.markClosed();
          op.reject(new ChannelClosedError());
          return DONE;
        }
        if (why === 'gone') {
          op.reject(goneError(this.#names.stream, e));
          return DONE;
        }
        await sleep(backoff);
        backoff = Math.min(backoff * 2, 1000);
      } finally {
        this.#inflight.delete(op);
      }
    }
  }

  /**
   * denied is told that the server refused a publish of this connection to `subject` (its permissions). If it is
   * the value subject, the sends waiting for an acknowledgement (which will not come) and those waiting for room
   * fail with NatsChanGoneError at once; a later send is published, and refused, again.
   */
  denied(subject: string, e: Error): void {
    if (subject !== this.#names.subject) return;
    const err = refusedError(this.#names.stream, 'send', e);
    for (const op of [...this.#inflight, ...this.#full]) op.reject(err);
  }

  /**
   * reconnected publishes again, at once and in the order they were made, the sends whose publish was waiting when
   * the connection dropped: the client discards what it had not written, and the server's acknowledgement of what it
   * had written is lost with the connection, so each would otherwise wait out the publish timeout (5 s) after a
   * server restart of a fraction of a second. Safe however it went before: the same message id makes the stream
   * store a value once. The first acknowledgement settles the send; a later one, or a failure, changes nothing.
   */
  reconnected(): void {
    for (const op of this.#inflight) {
      // Settled (by an earlier reconnect's publish) while its first attempt still waits out its timeout: not again.
      // A work queue forgets the message ids of what it removed when the server restarts, so a publish of a value
      // that was stored, received and acknowledged would store it a second time.
      if (op.settled) continue;
      this.#publishOnce(op).then(() => op.resolve(), () => {});
    }
  }

  /** #publishOnce publishes `op` once, with its message id (the same on every try: the stream stores it once). */
  #publishOnce(op: Op): Promise<unknown> {
    const opts = { msgID: op.msgID, timeout: PUBLISH_TIMEOUT_MS, retries: 0 };
    return this.#js.publish(this.#names.subject, op.bytes, opts);
  }

  /** #why asks the server what a failed publish means: the channel closed, gone, or a passing fault (retry). */
  async #why(e: unknown): Promise<'closed' | 'gone' | 'retry'> {
    if (isConnectionClosed(e)) return 'gone';
    try {
      const info = await this.#jsm.streams.info(this.#names.stream);
      return isClosed(info, this.#names) ? 'closed' : 'retry';
    } catch (e2) {
      return isStreamNotFound(e2) || isConnectionClosed(e2) ? 'gone' : 'retry';
    }
  }
}

const DONE = 0;
const FULL = 1;
