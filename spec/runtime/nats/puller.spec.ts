/**
 * Puller's bookkeeping of its one pull request in flight, against a fake connection that plays the server's part
 * with the messages nats-server 2.9.10 sends (checked on the local server): values on the stream's subject, and
 * header-only statuses on the request's reply subject (408 Request Timeout with Nats-Pending-Messages, 409 Consumer
 * Deleted, 409 Exceeded MaxWaiting, 409 Server Shutdown with Nats-Pending-Messages, 503 from a server without
 * JetStream). No server needed.
 */
import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { NetMsg } from '../../../runtime/nats/net-msg.js';
import { EXPIRES_MS, type End, PullEndedError, Puller, SubscriptionClosedError } from '../../../runtime/nats/puller.js';
import { namesOf } from '../../../runtime/nats/stream.js';

/** FakeServer is the connection a Puller sees: it records subscriptions and publishes, and delivers messages. */
class FakeServer {
  readonly subscribed: string[] = [];
  readonly requests: { subject: string; body: string; reply: string }[] = [];
  #cb: ((err: Error | null, m: Msg) => void) | null = null;
  #closeSub: (() => void) | null = null;

  get inbox(): string {
    return this.subscribed[0]!.slice(0, -2);
  }

  subscribe(subject: string, opts: { callback: (err: Error | null, m: Msg) => void }): unknown {
    this.subscribed.push(subject);
    this.#cb = opts.callback;
    let close!: () => void;
    const closed = new Promise<void>((r) => (close = r));
    this.#closeSub = close;
    return { closed, unsubscribe: close };
  }

  publish(subject: string, body: string, opts: { reply: string }): void {
    this.requests.push({ subject, body, reply: opts.reply });
  }

  value(seq: number): void {
    const reply = `$JS.ACK.GOCSP_x.gocsp.1.${seq}.${seq}.1.0`;
    const m = { subject: 'gocsp.chan.x', reply, data: new Uint8Array([seq]) };
    this.#cb!(null, m as unknown as Msg);
  }

  status(k: number, code: number, description: string, pending?: number): void {
    const get = (k: string): string =>
      k === 'Nats-Pending-Messages' && pending !== undefined ? String(pending) : '';
    const h = { code, description, get };
    this.#cb!(null, { subject: `${this.inbox}.${k}`, reply: '', data: new Uint8Array(), headers: h } as unknown as Msg);
  }

  /** dropConnection closes the subscription as a closed connection does. */
  dropConnection(): void {
    this.#closeSub!();
  }
}

function setup(): { s: FakeServer; p: Puller; got: number[]; ends: End[] } {
  const s = new FakeServer();
  const got: number[] = [];
  const ends: End[] = [];
  const onValue = (m: NetMsg): void => void got.push(m.data[0]!);
  const p = new Puller(s as unknown as NatsConnection, namesOf('x'), onValue, (e) => ends.push(e));
  return { s, p, got, ends };
}

describe('Puller', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('subscribes once for its life and asks the consumer on <inbox>.<k>, one request at a time', () => {
    const { s, p } = setup();
    p.pull(2);
    expect(() => p.pull(1)).toThrow('natsChan: a pull request is already in flight');
    s.value(1);
    s.value(2);
    p.pull(5);
    expect(s.subscribed).toHaveLength(1);
    expect(s.subscribed[0]).toMatch(/^_INBOX\.[A-Za-z0-9]+\.\*$/);
    expect(s.requests.map((r) => [r.subject, r.reply])).toEqual([
      ['$JS.API.CONSUMER.MSG.NEXT.GOCSP_x.gocsp', `${s.inbox}.1`],
      ['$JS.API.CONSUMER.MSG.NEXT.GOCSP_x.gocsp', `${s.inbox}.2`],
    ]);
    expect(JSON.parse(s.requests[1]!.body)).toEqual({ batch: 5, expires: EXPIRES_MS * 1e6 });
  });

  it('ends a request silently once it brought all it asked', () => {
    const { s, p, got, ends } = setup();
    p.pull(3);
    s.value(1);
    s.value(2);
    expect([p.live, p.outstanding, ends]).toEqual([true, 1, []]);
    s.value(3);
    expect([p.live, got, ends]).toEqual([false, [1, 2, 3], ['full']]);
  });

  it('ends a request on its 408: empty if it brought nothing, partial otherwise', () => {
    const { s, p, got, ends } = setup();
    p.pull(4);
    s.status(1, 408, 'Request Timeout', 4);
    p.pull(4);
    s.value(1);
    s.status(2, 408, 'Request Timeout', 3);
    expect([p.live, got, ends]).toEqual([false, [1], ['empty', 'partial']]);
  });

  it('ends a request mid-way with PullEndedError on another status, values kept', () => {
    const { s, p, got, ends } = setup();
    p.pull(4);
    s.value(1);
    s.status(1, 409, 'Server Shutdown', 3);
    expect(got).toEqual([1]);
    expect(ends).toHaveLength(1);
    expect(ends[0]).toBeInstanceOf(PullEndedError);
    expect(ends[0]).toMatchObject({ code: 'ERR_NATS_PULL_ENDED', status: 409, message: 'natsChan: pull request ended: 409 Server Shutdown' });
    p.pull(4);
    s.status(2, 409, 'Consumer Deleted');
    expect(ends[1]).toMatchObject({ code: 'ERR_NATS_PULL_ENDED', status: 409, message: 'natsChan: pull request ended: 409 Consumer Deleted' });
    // No responders (a server without JetStream yet, as one restarting): 503 with no description.
    p.pull(4);
    s.status(3, 503, '');
    expect(ends[2]).toMatchObject({ status: 503 });
    expect(p.live).toBe(false);
  });

  it('ignores heartbeats and the statuses of requests already over', () => {
    const { s, p, ends } = setup();
    p.pull(1);
    s.status(1, 100, 'Idle Heartbeat');
    s.value(1);
    p.pull(2);
    s.status(1, 408, 'Request Timeout', 0);
    s.status(1, 409, 'Exceeded MaxWaiting');
    expect([p.live, p.outstanding, ends]).toEqual([true, 2, ['full']]);
  });

  it('keeps a value that arrives when no request is in flight (one taken as lost that was not)', () => {
    const { s, p, got, ends } = setup();
    p.pull(1);
    s.value(1);
    s.value(2);
    expect([p.live, got, ends]).toEqual([false, [1, 2], ['full']]);
  });

  it('takes a request as lost at its watchdog, after the I/O of that turn', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const { s, p, ends } = setup();
    p.pull(2);
    vi.advanceTimersByTime(EXPIRES_MS + 500);
    await new Promise((r) => setImmediate(r));
    expect(ends).toHaveLength(1);
    expect(ends[0]).toMatchObject({ message: 'natsChan: pull request lost' });
    // One that brought something ends partial.
    p.pull(2);
    s.value(1);
    vi.advanceTimersByTime(EXPIRES_MS + 500);
    await new Promise((r) => setImmediate(r));
    expect(ends[1]).toBe('partial');
    // A status read in the same turn as the watchdog fires wins over it.
    p.pull(2);
    vi.advanceTimersByTime(EXPIRES_MS + 500);
    s.status(3, 408, 'Request Timeout', 2);
    await new Promise((r) => setImmediate(r));
    expect(ends.slice(2)).toEqual(['empty']);
    expect(p.live).toBe(false);
  });

  it('resolves ended() when the request in flight ends, and at once when none is', async () => {
    const { s, p } = setup();
    await p.ended();
    p.pull(1);
    let over = false;
    void p.ended().then(() => (over = true));
    await Promise.resolve();
    expect(over).toBe(false);
    s.value(1);
    await Promise.resolve();
    expect(over).toBe(true);
  });

  it('fails the request in flight when its subscription closes with its connection, then subscribes anew', async () => {
    const { s, p, ends } = setup();
    p.pull(3);
    s.dropConnection();
    await new Promise((r) => setImmediate(r));
    expect(ends[0]).toBeInstanceOf(SubscriptionClosedError);
    expect(ends[0]).toMatchObject({ message: 'natsChan: the subscription closed' });
    p.pull(3);
    expect(s.subscribed).toHaveLength(2);
  });
});
