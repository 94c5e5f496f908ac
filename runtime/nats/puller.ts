/**
 * Puller sends one process's pull requests for a network channel and reads what they bring, on one inbox
 * subscription that lives as long as the channel's receiving side: JetStream's pull protocol, spoken directly.
 *
 *   request   a publish to $JS.API.CONSUMER.MSG.NEXT.<stream>.<consumer> asking for `n` values within EXPIRES_MS,
 *             answered on <inbox>.<k> (k numbers the requests, so a status names the request it ends).
 *   values    arrive on the subscription with the stream's subject and an ack reply subject (net-msg.ts).
 *   status    a header-only message on <inbox>.<k>: 408 (expired), 404, 409 (ended: the consumer deleted, a limit),
 *             with Nats-Pending-Messages = what request k did not bring. 503: no responders.
 *
 * One request is in flight at a time, so every value arriving belongs to it and the count is exact: the request ends
 * when it brought `n` values (silently, on the server's side too), on its status, or, if neither comes (a server
 * restart forgets waiting requests), at its watchdog, EXPIRES_MS + GRACE_MS after it was sent. The receiver decides
 * when to ask and for how many (receiver.ts); a new request goes out as soon as the last ended.
 *
 * Why not the client's fetch(): each fetch() subscribes a new inbox, starts a status iterator and heartbeat timers
 * and unsubscribes at the end, about 200 us of this process's time per request; a receiver that drains a channel
 * sends a request every 32 values or so, and the client's own consume() avoids that cost the same way.
 */
import { createInbox, type Msg, type NatsConnection, type Subscription } from '@nats-io/nats-core';
import { NetMsg } from './net-msg.js';
import { DURABLE, type Names } from './stream.js';

/** EXPIRES_MS is how long one pull request waits on the server for values (and so how often an idle one looks). */
export const EXPIRES_MS = 1000;
/** GRACE_MS is how long after its expiry a request whose end never came is taken as lost. */
const GRACE_MS = 500;

/** End is how a request ended: 'full' (brought all it asked), 'empty' (expired with nothing), 'partial', or failed. */
export type End = 'full' | 'empty' | 'partial' | Error;

/**
 * SubscriptionClosedError ends a request whose inbox subscription closed without this Puller's close(): the
 * connection is closing or draining (the client closes its subscriptions before it reports itself closed).
 */
export class SubscriptionClosedError extends Error {
  override readonly name = 'SubscriptionClosedError';
  constructor() {
    super('natsChan: the subscription closed');
  }
}

/**
 * PullEndedError is a request that ended with a status other than expiry: the consumer deleted, no responders...
 * `code` is a string as in gocsp's other errors; `status` is the server's status number.
 */
export class PullEndedError extends Error {
  override readonly name = 'PullEndedError';
  readonly code = 'ERR_NATS_PULL_ENDED';
  constructor(
    readonly status: number,
    description: string,
  ) {
    super(`natsChan: pull request ended: ${status} ${description}`);
  }
}

export class Puller {
  readonly #nc: NatsConnection;
  readonly #subject: string;
  readonly #inbox: string;
  readonly #onValue: (m: NetMsg) => void;
  readonly #onEnd: (end: End) => void;
  #sub: Subscription | null = null;
  /** #k numbers the requests; #want and #got describe the one in flight (#want = 0: none). */
  #k = 0;
  #want = 0;
  #got = 0;
  #watchdog: NodeJS.Timeout | null = null;
  /** #idle resolves the waits for the request in flight to end (see ended()). */
  #idle: (() => void)[] = [];

  constructor(nc: NatsConnection, names: Names, onValue: (m: NetMsg) => void, onEnd: (end: End) => void) {
    this.#nc = nc;
    // Under the connection's inbox prefix, as the client's own inboxes: a user may subscribe to that prefix only.
    this.#inbox = createInbox((nc as { options?: { inboxPrefix?: string } }).options?.inboxPrefix);
    this.#subject = `$JS.API.CONSUMER.MSG.NEXT.${names.stream}.${DURABLE}`;
    this.#onValue = onValue;
    this.#onEnd = onEnd;
  }

  /** subject is where the pull requests go (a refusal of it names it). */
  get subject(): string {
    return this.#subject;
  }

  /** live reports whether a request is in flight. */
  get live(): boolean {
    return this.#want > 0;
  }

  /** outstanding is how many values the request in flight may still bring. */
  get outstanding(): number {
    return this.#want - this.#got;
  }

  /** pull sends a request for `n` values (none may be in flight). A publish that throws ends it with that error. */
  pull(n: number): void {
    if (this.#want > 0) throw new Error('natsChan: a pull request is already in flight');
    const k = ++this.#k;
    this.#want = n;
    this.#got = 0;
    try {
      if (this.#sub === null) {
        const sub = this.#nc.subscribe(`${this.#inbox}.*`, { callback: (err, m) => this.#read(err, m) });
        this.#sub = sub;
        // The connection closed (not our close()): the request in flight will bring nothing.
        void sub.closed.then(() => {
          if (this.#sub !== sub) return;
          this.#sub = null;
          if (this.#want > 0) this.#end(new SubscriptionClosedError());
        });
      }
      this.#nc.publish(this.#subject, `{"batch":${n},"expires":${EXPIRES_MS * 1e6}}`, { reply: `${this.#inbox}.${k}` });
    } catch (e) {
      this.#end(e instanceof Error ? e : new Error(String(e)));
      return;
    }
    this.#watchdog = setTimeout(() => {
      // After the I/O of this turn: a stalled event loop runs its timers before it reads what arrived meanwhile.
      setImmediate(() => {
        if (this.#k !== k || this.#want === 0) return;
        this.#end(this.#got === 0 ? new Error('natsChan: pull request lost') : 'partial');
      });
    }, EXPIRES_MS + GRACE_MS);
    this.#watchdog.unref();
  }

  /** ended resolves once no request is in flight. */
  ended(): Promise<void> {
    return this.#want === 0 ? Promise.resolve() : new Promise((r) => this.#idle.push(r));
  }

  /** close unsubscribes (after ended(): a value on its way to a closed inbox would wait out the ack wait). */
  close(): void {
    try {
      this.#sub?.unsubscribe();
    } catch {
      // The connection is closed already.
    }
    this.#sub = null;
  }

  #read(err: Error | null, m: Msg): void {
    if (err !== null) {
      this.#sub = null;
      if (this.#want > 0) this.#end(err);
      return;
    }
    if (!m.subject.startsWith(this.#inbox)) {
      // A value. It belongs to the request in flight, or to one taken as lost that was not: kept either way.
      if (this.#want > 0) this.#got++;
      this.#onValue(new NetMsg(m, this.#nc));
      if (this.#want > 0 && this.#got >= this.#want) this.#end('full');
      return;
    }
    if (m.subject !== `${this.#inbox}.${this.#k}` || this.#want === 0) return; // a status of a request over already
    const code = m.headers?.code ?? 0;
    if (code === 100) return; // a heartbeat (not asked for)
    const left = Number(m.headers?.get('Nats-Pending-Messages') || this.#want - this.#got);
    if (code === 408 || code === 404) this.#end(left >= this.#want ? 'empty' : 'partial');
    else this.#end(new PullEndedError(code, m.headers?.description ?? ''));
  }

  /** #end ends the request in flight and tells the receiver how. */
  #end(end: End): void {
    this.#want = 0;
    this.#got = 0;
    if (this.#watchdog !== null) clearTimeout(this.#watchdog);
    this.#watchdog = null;
    for (const r of this.#idle.splice(0)) r();
    this.#onEnd(end);
  }
}
