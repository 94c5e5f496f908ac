/**
 * Receiver is the receiving side of a network channel in one process: the values fetched from the shared consumer
 * and not yet taken, this process's parked receivers, and the loop that fetches only while someone wants a value.
 *
 *   buf      messages fetched and not yet handed to a goroutine, in stream order. On the server they are delivered
 *            and unacknowledged: no other process gets them while they are here.
 *   recvq    FIFO of parked receives (plain ones and select registrations).
 *   demand   a parked receiver, or a receive (or a poll that found nothing) less than LINGER_MS ago.
 *
 * Invariants: buf is non-empty only if recvq is empty (an arriving value goes to a parked receiver first). The loop
 * fetches only while there is demand, at most `prefetch` values ahead. A value leaves buf in exactly one of three ways:
 * - handed to a goroutine, which acknowledges it (ack) in the same synchronous step (the client writes the ack with
 *   whatever that goroutine sends next, when the step ends);
 * - handed back (nak) once demand has been gone for LINGER_MS and no pull request of this process is pending (one
 *   lasts at most EXPIRES_MS), so that a value fetched for a select case that lost, or for a consumer that stopped,
 *   goes back to the stream for any process to take, at most LINGER_MS + EXPIRES_MS after it arrived;
 * - handed back once it has waited half the ack wait (#expire), before the server would deliver it elsewhere.
 *
 * Closed: once the server says the channel is closed (stream.ts) and the shared consumer has no value left (none
 * waiting, none delivered and unacknowledged anywhere), the channel is drained: every parked receive completes with ok = false,
 * and every later one at once.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/nats-core';
import { CLOSED, EMPTY } from '../chan/selectable.js';
import type { Waiter } from '../chan/waiter.js';
import { WaitQueue } from '../sched/wait-queue.js';
import { goneError, NatsChanGoneError, refusedError } from './nats-errors.js';
import { held } from './delivery.js';
import type { NetMsg } from './net-msg.js';
import { type End, Puller, SubscriptionClosedError } from './puller.js';
import { quietly } from './quietly.js';
import { DURABLE, isClosed, isStreamNotFound, type Names } from './stream.js';
import type { WireBytes } from './wire-bytes.js';

/** LINGER_MS is how long fetched values wait for a receiver of this process before they are handed back. */
export const LINGER_MS = 100;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());

export class Receiver<T> {
  readonly recvq = new WaitQueue<Waiter>();
  readonly #nc: NatsConnection;
  readonly #jsm: JetStreamManager;
  readonly #names: Names;
  readonly #wire: WireBytes<T>;
  readonly #prefetch: number;
  #buf: NetMsg[] = [];
  /** #at holds when each message of buf arrived (performance.now()), index for index. */
  #at: number[] = [];
  #head = 0;
  /** #maxAge is how long a value may wait in buf: half the consumer's ack wait (see #expire). */
  readonly #maxAge: number;
  /** #deferred holds the parked receives that want a Delivery (not acknowledged) rather than a value. */
  readonly #deferred = new WeakSet<Waiter>();
  #ageTimer: NodeJS.Timeout | null = null;
  /** #puller sends this process's pull requests, one at a time, and reads what they bring (puller.ts). */
  readonly #puller: Puller;
  /** #failures counts the pull requests that failed in a row; #pausing is set during the backoff after one. */
  #failures = 0;
  #pausing = false;
  #demandUntil = 0;
  #lingerTimer: NodeJS.Timeout | null = null;
  /** #closed: the server said the channel is closed; #drained: closed and no value left anywhere. */
  #closed = false;
  #drained = false;
  #released = false;
  /** #last is the last message delivered here: its delivery info holds the consumer's count of values not delivered. */
  #last: NetMsg | null = null;
  /** arrivals counts the messages delivered here (len() tells a fresher server answer from a staler one by it). */
  arrivals = 0;

  constructor(
    nc: NatsConnection,
    jsm: JetStreamManager,
    names: Names,
    wire: WireBytes<T>,
    prefetch: number,
    ackWaitMs: number,
  ) {
    this.#maxAge = ackWaitMs / 2;
    this.#puller = new Puller(nc, names, (m) => this.#arrive(m), (end) => this.#ended(end));
    this.#nc = nc;
    this.#jsm = jsm;
    this.#names = names;
    this.#wire = wire;
    this.#prefetch = prefetch;
  }

  /** closed reports whether this process has learned that the channel is closed. */
  get closed(): boolean {
    return this.#closed;
  }

  /** buffered is the number of values fetched here and not yet received. */
  get buffered(): number {
    return this.#buf.length - this.#head;
  }

  /** estimate is len(): values known to be stored and not yet received (see NatsChan.len). */
  get estimate(): number {
    // Parsed only when asked: a message's info parses its reply subject.
    return (this.#last?.pending ?? 0) + this.buffered;
  }

  /**
   * poll receives at once if a value is here: the value (acknowledged), CLOSED once drained, or EMPTY, and then it
   * starts fetching (a poll is demand). A value that does not decode is terminated on the server (it never will)
   * and its DecodeError thrown.
   */
  poll(deferAck = false): unknown {
    if (this.#head < this.#buf.length) this.#expire();
    if (this.#head < this.#buf.length) {
      const m = this.#buf[this.#head]!;
      this.#buf[this.#head++] = undefined as never;
      if (this.#head === this.#buf.length) {
        this.#buf = [];
        this.#at = [];
        this.#head = 0;
      }
      this.#demand();
      return this.#take(m, deferAck);
    }
    if (this.#drained) return CLOSED;
    this.#demand();
    return EMPTY;
  }

  /**
   * park queues receive waiter `w` after a failed poll, in the same synchronous step; with `deferAck`, `w` gets a
   * Delivery (delivery.ts), not acknowledged, instead of the value.
   */
  park(w: Waiter, deferAck = false): void {
    if (deferAck) this.#deferred.add(w);
    if (this.#released) {
      w.fail(new NatsChanGoneError('natsChan: receive on a released channel'));
      return;
    }
    this.recvq.push(w);
    this.#demand();
    // Closed and nothing here: ask now whether it is drained, rather than after a pull request that expires empty.
    if (this.#closed && this.buffered === 0) void this.#checkClosed();
  }

  /**
   * denied is told that the server refused a publish of this connection to `subject` (its permissions): if it is
   * this receiver's pull request, receiving cannot work, and parked receives fail with NatsChanGoneError.
   */
  denied(subject: string, e: Error): void {
    if (subject === this.#puller.subject) void this.#gone(e);
  }

  /** learnClosed is told that the channel was closed (by this process, or a notice from another): look now. */
  learnClosed(): void {
    this.#closed = true;
    if (this.recvq.size > 0 && this.buffered === 0) void this.#checkClosed();
  }

  /**
   * release stops fetching, waits for the pull request in flight to end, hands back (nak) every value fetched and
   * not received, and fails this process's parked receives with NatsChanGoneError.
   */
  async release(): Promise<void> {
    this.#released = true;
    this.#demandUntil = 0;
    await this.#puller.ended();
    this.#puller.close();
    this.#handBack();
    const err = new NatsChanGoneError('natsChan: the channel was released while a receive was parked');
    for (let w = this.recvq.shift(); w !== null; w = this.recvq.shift()) if (w.claim()) w.fail(err);
  }

  // Internals.

  /** #take decodes `m` and acknowledges it, or with `deferAck` returns its Delivery, held until ack or nak. */
  #take(m: NetMsg, deferAck: boolean): unknown {
    let v: T;
    try {
      v = this.#wire.decode(m.data);
    } catch (e) {
      quietly(() => m.term());
      throw e;
    }
    if (deferAck) return held(m, v, this.#maxAge * (2 / 3));
    // The ack is queued one microtask later, after the receiving goroutine's continuation: the client flushes what
    // was queued in one write at the end of that synchronous step, so an ack and the send that usually follows it
    // (a round trip, a worker answering) leave together, as with the raw client's `m.ack(); publish()`. Queued at
    // once, it would be flushed on its own just before the goroutine resumes: a second socket write per value,
    // about 20% of a round trip on a local server.
    queueMicrotask(() => quietly(() => m.ack()));
    return v;
  }

  /** #demand notes that a goroutine wants a value: fetch if needed, and keep what is fetched for LINGER_MS. */
  #demand(): void {
    this.#demandUntil = performance.now() + LINGER_MS;
    this.#fetchMore();
    this.#armLinger();
  }

  /**
   * #fetchMore sends a pull request while there is demand, none is in flight, and at most half of `prefetch` is
   * here, for what fills it up to `prefetch`: the next request goes out before the buffer runs dry, so a busy
   * receiver does not wait a round trip every `prefetch` values, and a request that is pending brings any value
   * stored meanwhile at once.
   */
  #fetchMore(): void {
    if (this.#released || this.#drained || this.#pausing || this.#puller.live) return;
    if (this.recvq.size === 0 && performance.now() >= this.#demandUntil) return;
    if (this.buffered > this.#prefetch >> 1) return;
    this.#puller.pull(this.#prefetch - this.buffered);
  }

  /**
   * #ended is told how the pull request in flight ended: expired with nothing (ask whether the channel is closed and
   * drained, then go on), failed (the channel gone, or a passing fault: back off, doubling from 50 ms to 1 s), or
   * otherwise (go on).
   */
  #ended(end: End): void {
    if (end instanceof Error) {
      void this.#failed(end);
      return;
    }
    this.#failures = 0;
    if (end === 'empty') {
      void this.#checkClosed().then(() => this.#goOn());
      return;
    }
    this.#goOn();
  }

  #goOn(): void {
    this.#fetchMore();
    this.#armLinger();
  }

  async #failed(e: Error): Promise<void> {
    if (await this.#gone(e)) return;
    this.#pausing = true;
    await sleep(Math.min(50 * 2 ** this.#failures++, 1000));
    this.#pausing = false;
    this.#goOn();
  }

  /** #arrive hands a fetched message to the first parked receiver still waiting, or keeps it in buf. */
  #arrive(m: NetMsg): void {
    this.#last = m;
    this.arrivals++;
    // Released: kept, and handed back by release() once the pull request in flight has ended (see #armLinger).
    for (let w = this.#released ? null : this.recvq.shift(); w !== null; w = this.recvq.shift()) {
      if (!w.claim()) continue;
      let v: unknown;
      try {
        v = this.#take(m, this.#deferred.has(w));
      } catch (e) {
        w.fail(e as Error);
        return;
      }
      this.#demandUntil = performance.now() + LINGER_MS;
      w.wake(v, true);
      return;
    }
    this.#buf.push(m);
    this.#at.push(performance.now());
    this.#armLinger();
    this.#armAge();
  }

  /**
   * #expire hands back the values that waited in buf longer than half the ack wait: the server is about to deliver
   * them again to another receiver, and the ack of one taken here now could come after that. Handed back first, a
   * value is never delivered twice without a fault, however slow this process's receivers are (a receiver that
   * takes a second per value, 64 values fetched ahead, a 30 s ack wait) or however long its event loop stalls.
   */
  #expire(): void {
    const limit = performance.now() - this.#maxAge;
    let i = this.#head;
    while (i < this.#buf.length && this.#at[i]! <= limit) quietly(() => this.#buf[i++]!.nak());
    if (i === this.#head) return;
    this.#buf = this.#buf.slice(i);
    this.#at = this.#at.slice(i);
    this.#head = 0;
  }

  /** #armAge sets the timer that expires the oldest value of buf when it reaches #maxAge. */
  #armAge(): void {
    if (this.#ageTimer !== null || this.buffered === 0) return;
    const wait = Math.max(1, this.#at[this.#head]! + this.#maxAge - performance.now());
    this.#ageTimer = setTimeout(() => {
      this.#ageTimer = null;
      this.#expire();
      this.#armAge();
    }, wait);
    this.#ageTimer.unref();
  }

  /** #armLinger sets the hand-back timer while values wait here with nobody parked. */
  #armLinger(): void {
    if (this.#lingerTimer !== null || this.buffered === 0) return;
    const wait = Math.max(1, this.#demandUntil - performance.now());
    this.#lingerTimer = setTimeout(() => {
      this.#lingerTimer = null;
      // Not while a pull request of this process is pending: the server would deliver what is handed back straight
      // into it again, a loop of nak and redelivery until it expires. #ended re-arms this when it ends.
      if (this.#puller.live) return;
      if (this.recvq.size === 0 && performance.now() >= this.#demandUntil) this.#handBack();
      else this.#armLinger();
    }, wait);
    // A value fetched ahead must not keep a process alive that is otherwise done: it returns to the stream after
    // the ack wait if the process exits first (release() hands it back at once).
    this.#lingerTimer.unref();
  }

  /** #handBack returns every value in buf to the stream (nak: available again at once, to any process). */
  #handBack(): void {
    for (let i = this.#head; i < this.#buf.length; i++) quietly(() => this.#buf[i]!.nak());
    this.#buf = [];
    this.#at = [];
    this.#head = 0;
  }

  /** #checkClosed asks the server whether the channel is closed and drained; if so, completes the parked receives. */
  async #checkClosed(): Promise<void> {
    try {
      const info = await this.#jsm.streams.info(this.#names.stream);
      if (!isClosed(info, this.#names)) return;
      this.#closed = true;
      if (this.buffered > 0) return;
      // The consumer's count, not the stream's: a server killed with SIGKILL can come back with values the consumer
      // had acknowledged still in the stream (their removal was not on disk yet), which it will never deliver.
      const c = await this.#jsm.consumers.info(this.#names.stream, DURABLE);
      if (c.num_pending > 0 || c.num_ack_pending > 0 || this.buffered > 0) return;
      this.#drained = true;
      for (let w = this.recvq.shift(); w !== null; w = this.recvq.shift()) if (w.claim()) w.wake(undefined, false);
    } catch (e) {
      await this.#gone(e);
    }
  }

  /**
   * #gone decides whether a failed pull request is final: the stream was deleted, or the connection closed. Then every
   * parked receive fails with NatsChanGoneError. Anything else (a server restarting, a timeout) is retried.
   */
  async #gone(e: unknown): Promise<boolean> {
    let final = isStreamNotFound(e) || isPermissionDenied(e);
    if (!final && e instanceof SubscriptionClosedError) {
      // The connection is closing: a request made now is written nowhere and waits out its timeout (5 s; for ever
      // in a process that nothing else keeps alive, since the client's timer then does not hold it). Its close ends
      // in a few milliseconds.
      await this.#nc.closed();
      final = this.#nc.isClosed();
    }
    if (!final) {
      try {
        await this.#jsm.streams.info(this.#names.stream);
      } catch (e2) {
        final = isStreamNotFound(e2) || isConnectionClosed(e2);
      }
    }
    if (!final) return false;
    this.#released = true;
    this.#puller.close();
    const stream = this.#names.stream;
    const err = isPermissionDenied(e) ? refusedError(stream, 'receive', e as Error) : goneError(stream, e);
    for (let w = this.recvq.shift(); w !== null; w = this.recvq.shift()) if (w.claim()) w.fail(err);
    return true;
  }
}

/**
 * isPermissionDenied recognizes the client's error for a publish or subscription the server refused (the user's
 * permissions): final for a channel, as retrying cannot change it.
 */
export function isPermissionDenied(e: unknown): boolean {
  return e instanceof Error && e.name === 'PermissionViolationError';
}

/** isConnectionClosed recognizes the client's error for a request on a closed connection. */
export function isConnectionClosed(e: unknown): boolean {
  return e instanceof Error && (e.name === 'ClosedConnectionError' || /connection closed/i.test(e.message));
}
