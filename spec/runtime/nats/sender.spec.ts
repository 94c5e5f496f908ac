/**
 * Sender's republishing on a reconnect (Sender.reconnected), against a fake JetStream client whose publishes settle
 * when the test says: a send settled by a publish made again on a reconnect is never published again, neither by a
 * later reconnect nor by the retry of its first attempt (a work queue forgets the ids of removed messages across a
 * server restart, so that publish would store the value a second time). No server needed.
 */
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import { describe, expect, it, vi } from 'vitest';
import { Sender } from '../../../runtime/nats/sender.js';
import { namesOf } from '../../../runtime/nats/stream.js';

interface Publish {
  readonly msgID: string;
  ok(): void;
  fail(e: Error): void;
}

/** fakeJetStream records each publish and leaves it pending; streams.info says the channel is open. */
function fakeJetStream(): { js: JetStreamClient; jsm: JetStreamManager; publishes: Publish[] } {
  const names = namesOf('x');
  const publishes: Publish[] = [];
  const js = {
    publish: (_subject: string, _bytes: Uint8Array, opts: { msgID: string }) =>
      new Promise<unknown>((resolve, reject) => {
        publishes.push({ msgID: opts.msgID, ok: () => resolve({ seq: 1 }), fail: reject });
      }),
  } as unknown as JetStreamClient;
  const jsm = {
    streams: { info: async () => ({ config: { subjects: [names.subject] } }) },
  } as unknown as JetStreamManager;
  return { js, jsm, publishes };
}

describe('Sender.reconnected', () => {
  it('publishes again a send waiting for its acknowledgement, once, with the same message id', async () => {
    const { js, jsm, publishes } = fakeJetStream();
    const s = new Sender(js, jsm, namesOf('x'));
    const sent = s.send(new Uint8Array([1]));
    await vi.waitFor(() => expect(publishes).toHaveLength(1));
    s.reconnected();
    expect(publishes).toHaveLength(2);
    expect(publishes[1]!.msgID).toBe(publishes[0]!.msgID);
    publishes[1]!.ok();
    await sent;
    s.reconnected(); // settled: not published again
    expect(publishes).toHaveLength(2);
    publishes[0]!.fail(new Error('timeout')); // the first attempt's timeout changes nothing
    await new Promise((r) => setTimeout(r, 100));
    expect(publishes).toHaveLength(2);
  });

  it('does not publish again a send settled on a reconnect while its first attempt was backing off', async () => {
    const { js, jsm, publishes } = fakeJetStream();
    const s = new Sender(js, jsm, namesOf('x'));
    const sent = s.send(new Uint8Array([1]));
    await vi.waitFor(() => expect(publishes).toHaveLength(1));
    // The first attempt fails (a timeout): the sender asks the server why, then backs off 50 ms before retrying.
    publishes[0]!.fail(new Error('timeout'));
    await new Promise((r) => setImmediate(r));
    s.reconnected(); // during the backoff: the send still waits for an acknowledgement, so it is published again
    expect(publishes).toHaveLength(2);
    publishes[1]!.ok();
    await sent;
    await new Promise((r) => setTimeout(r, 200)); // past the backoff
    expect(publishes).toHaveLength(2);
  });
});
