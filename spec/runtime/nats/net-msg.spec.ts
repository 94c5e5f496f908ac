/**
 * NetMsg (runtime/nats/net-msg.ts): what it reads from a value's ack subject, in the form nats-server 2.9 sends and
 * in the newer one with a domain and an account hash, and the acknowledgements it answers with (the first final one
 * wins, as on the server). No server needed: the message is a stand-in that records its replies.
 */
import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { NetMsg } from '../../../runtime/nats/net-msg.js';

function msg(reply: string): { m: Msg; sent: string[] } {
  const sent: string[] = [];
  const m = { reply, data: new Uint8Array([1]), respond: (d: string) => (sent.push(d), true) } as unknown as Msg;
  return { m, sent };
}
const nc = {} as NatsConnection;

describe('NetMsg', () => {
  it('reads deliveries and pending from the older ack subject (nats-server 2.9)', () => {
    const first = new NetMsg(msg('$JS.ACK.GOCSP_jobs.gocsp.1.17.21.1796641319455227305.5').m, nc);
    expect([first.redelivered, first.pending]).toEqual([false, 5]);
    const again = new NetMsg(msg('$JS.ACK.GOCSP_jobs.gocsp.3.17.40.1796641319455227305.0').m, nc);
    expect([again.redelivered, again.pending]).toEqual([true, 0]);
  });

  it('reads them from the newer ack subject with a domain, an account hash and a token', () => {
    const m = new NetMsg(msg('$JS.ACK.hub.ACCHASH.GOCSP_jobs.gocsp.2.17.21.1796641319455227305.9.x7Yq').m, nc);
    expect([m.redelivered, m.pending]).toEqual([true, 9]);
  });

  it('answers with the first final acknowledgement only, and lets working repeat before it', () => {
    const { m, sent } = msg('$JS.ACK.S.gocsp.1.1.1.1.0');
    const n = new NetMsg(m, nc);
    n.working();
    n.working();
    n.ack();
    n.nak();
    n.term();
    n.working();
    expect(sent).toEqual(['+WPI', '+WPI', '+ACK']);
  });
});
