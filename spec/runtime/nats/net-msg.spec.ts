/**
 * NetMsg's reading of its `$JS.ACK...` reply subject, on subjects in both forms JetStream defines (ADR-15): the
 * 9-token one nats-server 2.9 sends (the first two below are copied from what the local server sent), and the
 * 12-token one with domain and account hash before the stream and a random token at the end. No server needed.
 */
import type { Msg, NatsConnection } from '@nats-io/nats-core';
import { describe, expect, it } from 'vitest';
import { NetMsg } from '../../../runtime/nats/net-msg.js';

function msg(reply: string): { m: NetMsg; sent: string[] } {
  const sent: string[] = [];
  const raw = { reply, data: new Uint8Array(), respond: (d: string) => (sent.push(d), true) } as unknown as Msg;
  return { m: new NetMsg(raw, {} as NatsConnection), sent };
}

describe('NetMsg', () => {
  it('reads deliveries and pending from the 9-token ack subject', () => {
    // deliveries 1, stream seq 2, consumer seq 2, pending 1: a first delivery late in a stream.
    const first = msg('$JS.ACK.GOCSP_x.gocsp.1.2.2.1796641355941593364.1').m;
    expect([first.redelivered, first.pending]).toEqual([false, 1]);
    const again = msg('$JS.ACK.GOCSP_x.gocsp.3.1.7.1796641355940737004.0').m;
    expect([again.redelivered, again.pending]).toEqual([true, 0]);
  });

  it('reads deliveries and pending from the 12-token ack subject with domain and account hash', () => {
    const first = msg('$JS.ACK.hub.ACCHASH.GOCSP_x.gocsp.1.40.40.1796641355941593364.17.r4nd0m').m;
    expect([first.redelivered, first.pending]).toEqual([false, 17]);
    const again = msg('$JS.ACK._.ACCHASH.GOCSP_x.gocsp.2.3.9.1796641355941593364.0.r4nd0m').m;
    expect([again.redelivered, again.pending]).toEqual([true, 0]);
  });

  it('reads an 11-token ack subject (no random token) as the newer form', () => {
    const m = msg('$JS.ACK.hub.ACCHASH.GOCSP_x.gocsp.2.40.41.1796641355941593364.5').m;
    expect([m.redelivered, m.pending]).toEqual([true, 5]);
  });

  it('answers only the first of ack, nak and term, and repeats working until then', () => {
    const { m, sent } = msg('$JS.ACK.GOCSP_x.gocsp.1.1.1.1.0');
    m.working();
    m.working();
    m.ack();
    m.nak();
    m.term();
    m.working();
    expect(sent).toEqual(['+WPI', '+WPI', '+ACK']);
  });

  it('writes a nak with a delay in nanoseconds, as JetStream reads it, and a plain nak without one', () => {
    const later = msg('$JS.ACK.GOCSP_x.gocsp.1.1.1.1.0');
    later.m.nak(1500);
    expect(later.sent).toEqual(['-NAK {"delay":1500000000}']);
    const now = msg('$JS.ACK.GOCSP_x.gocsp.1.1.1.1.0');
    now.m.nak(0);
    expect(now.sent).toEqual(['-NAK']);
  });
});
