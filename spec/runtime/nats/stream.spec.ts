/**
 * closeOnServer against a fake JetStream manager: a request that got no answer (a timeout, a connection being
 * re-established) is retried until the close is recorded, so that a close made during a server restart is not lost;
 * an update whose answer was lost is found done; an answer from the server is final. No server needed.
 */
import type { JetStreamManager } from '@nats-io/jetstream';
import { describe, expect, it } from 'vitest';
import { closeOnServer, namesOf } from '../../../runtime/nats/stream.js';

const names = namesOf('x');

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

/** fakeManager answers streams.info and streams.update from the scripts given (an Error is thrown). */
function fakeManager(infos: (string[] | Error)[], updates: (true | Error)[]): { jsm: JetStreamManager; calls: string[] } {
  const calls: string[] = [];
  const jsm = {
    streams: {
      info: async () => {
        calls.push('info');
        const r = infos.shift()!;
        if (r instanceof Error) throw r;
        return { config: { name: names.stream, subjects: r } };
      },
      update: async (_name: string, config: { subjects: string[] }) => {
        calls.push(`update ${config.subjects.join()}`);
        const r = updates.shift()!;
        if (r instanceof Error) throw r;
        infos.push([names.closedSubject]);
        return {};
      },
    },
  } as unknown as JetStreamManager;
  return { jsm, calls };
}

describe('closeOnServer', () => {
  it('retries requests that got no answer until the close is recorded', async () => {
    const { jsm, calls } = fakeManager(
      [named('TimeoutError', 'timeout'), named('RequestError', 'connection disconnected'), [names.subject]],
      [true],
    );
    expect(await closeOnServer(jsm, names)).toBe(true);
    expect(calls).toEqual(['info', 'info', 'info', `update ${names.closedSubject}`]);
  });

  it('finds done an update whose answer was lost, and reports it as its own close', async () => {
    const { jsm, calls } = fakeManager([[names.subject], [names.closedSubject]], [named('TimeoutError', 'timeout')]);
    expect(await closeOnServer(jsm, names)).toBe(true);
    expect(calls).toEqual(['info', `update ${names.closedSubject}`, 'info']);
  });

  it('reports a channel closed already as not closed by this call', async () => {
    const { jsm } = fakeManager([[names.closedSubject]], []);
    expect(await closeOnServer(jsm, names)).toBe(false);
  });

  it('throws the refusal it is told of instead of retrying (a request the server refused for want of permission)', async () => {
    const refusal = new Error('refused');
    const { jsm, calls } = fakeManager([[names.subject]], [named('TimeoutError', 'timeout')]);
    await expect(closeOnServer(jsm, names, () => refusal)).rejects.toBe(refusal);
    expect(calls).toEqual(['info', `update ${names.closedSubject}`]);
  });

  it('throws an answer from the server, or a closed connection, at once', async () => {
    const apiError = named('JetStreamApiError', 'stream not found');
    await expect(closeOnServer(fakeManager([apiError], []).jsm, names)).rejects.toBe(apiError);
    const closed = named('ClosedConnectionError', 'closed connection');
    await expect(closeOnServer(fakeManager([closed], []).jsm, names)).rejects.toBe(closed);
  });
});
