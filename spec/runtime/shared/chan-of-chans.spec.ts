/**
 * Shared objects as values of shared channels (Go's request/reply idiom: a reply channel sent through a channel): a
 * shared channel, a shared sync object, a SharedArrayBuffer or a view of one sent through a structured shared
 * channel arrives as a working object bound to the same memory, on the same thread and on any other (a worker that
 * was never given it, one that started after it was sent), in a select too. What a codec cannot carry faithfully is
 * an EncodeError at the send, and the channel is left as it was.
 */
import { afterEach, describe, expect, it } from 'vitest';
import {
  chan,
  EncodeError,
  go,
  recvCase,
  select,
  sendCase,
  SharedMutex,
  SharedOnce,
  SharedRWMutex,
  SharedSemaphore,
  SharedWaitGroup,
  sharedChan,
  type SharedChan,
} from '../../../runtime/index.js';
import { arenaStats } from '../../../runtime/shared/memory/arena.js';
import { filedTokens } from '../../../runtime/shared/memory/directory.js';
import { json } from '../../../runtime/shared/codecs/json.js';
import { int32 } from '../../../runtime/shared/codecs/scalars.js';
import { structured } from '../../../runtime/shared/codecs/structured.js';
import { liveWorkers, onThread, terminateAll } from './thread-harness.js';
import type { Ask, Counter, Handed } from './workers/value-scenarios.js';

afterEach(async () => {
  await terminateAll();
  expect(liveWorkers()).toBe(0);
});

/** leftBehind is what the program still holds for values out of line: arena blocks and filed deposits. */
function leftBehind(): { blocks: number; tokens: number } {
  return { blocks: arenaStats().live, tokens: filedTokens() };
}

const NOTHING = { blocks: 0, tokens: 0 };

describe('shared objects through a shared channel, on one thread', () => {
  for (const cap of [0, 1, 4]) {
    it(`delivers a shared channel as the same channel (cap ${cap})`, async () => {
      const requests = sharedChan(structured<Ask>(), cap);
      const reply = sharedChan(int32, 1);
      go(async () => {
        const r = (await requests.recv())!;
        expect(r.reply).toBe(reply); // this thread's one object for the channel
        await r.reply.send(2 * r.n);
      });
      await requests.send({ n: 21, reply });
      expect(await reply.recv()).toBe(42);
      expect(leftBehind()).toEqual(NOTHING);
    });
  }

  it('delivers every shared sync object, a SharedArrayBuffer and views of it, bound to the same memory', async () => {
    const ch = sharedChan(structured(), 1);
    const sab = new SharedArrayBuffer(16);
    const sent = {
      mu: new SharedMutex(),
      rw: new SharedRWMutex(),
      wg: new SharedWaitGroup(),
      sem: new SharedSemaphore(3),
      once: new SharedOnce(),
      sab,
      view: new Int32Array(sab, 4, 2),
      dv: new DataView(sab, 8),
      nested: new Map([['again', [sab]]]),
    };
    ch.trySend(sent);
    const got = ch.tryRecv()!.value as typeof sent;
    for (const k of ['mu', 'rw', 'wg', 'sem', 'once', 'sab'] as const) expect(got[k]).toBe(sent[k]);
    expect(got.view).toBeInstanceOf(Int32Array);
    expect([got.view.buffer, got.view.byteOffset, got.view.length]).toEqual([sab, 4, 2]);
    expect(got.dv).toBeInstanceOf(DataView);
    expect([got.dv.buffer, got.dv.byteOffset, got.dv.byteLength]).toEqual([sab, 8, 8]);
    expect(got.nested.get('again')![0]).toBe(sab);
    got.view[0] = 7;
    expect(new Int32Array(sab)[1]).toBe(7);
    expect(leftBehind()).toEqual(NOTHING);
  });

  it('keeps shared references and cycles around shared objects', () => {
    const ch = sharedChan(structured(), 1);
    const reply = sharedChan(int32, 1);
    const node: { reply: SharedChan<number>; self?: unknown; twice?: unknown[] } = { reply };
    node.self = node;
    node.twice = [reply, reply];
    ch.trySend(node);
    const got = ch.tryRecv()!.value as typeof node;
    expect(got.self).toBe(got);
    expect(got.twice).toEqual([reply, reply]);
    expect(got.reply).toBe(reply);
  });

  it('delivers a shared object through select, on both sides', async () => {
    const requests = sharedChan(structured<Ask>(), 0);
    const reply = sharedChan(int32, 0);
    const never = chan<number>();
    go(async () => {
      const r = await select([recvCase(requests, (v: Ask | undefined) => v!), recvCase(never, () => null)]);
      await select([sendCase(r!.reply, 2 * r!.n), recvCase(never)]);
    });
    await select([sendCase(requests, { n: 5, reply }), recvCase(never)]);
    expect(await select([recvCase(reply, (v: number | undefined) => v), recvCase(never, () => -1)])).toBe(10);
    expect(leftBehind()).toEqual(NOTHING);
  });
});

describe('what a shared object sent took is let go on every path', () => {
  it('a send that finds no room, a closed channel, or no receiver deposits nothing', () => {
    const reply = sharedChan(int32, 1);
    const full = sharedChan(structured(), 1);
    full.trySend(1);
    expect(full.trySend({ reply })).toBe(false);
    const unbuffered = sharedChan(structured(), 0);
    expect(unbuffered.trySend({ reply })).toBe(false);
    unbuffered.close();
    expect(() => unbuffered.trySend({ reply })).toThrow('send on closed channel');
    expect(leftBehind()).toEqual(NOTHING);
  });

  it('a parked send whose select loses, or whose channel closes, lets its deposit go', async () => {
    const ch = sharedChan(structured(), 0);
    const other = chan<number>();
    const lost = select([sendCase(ch, { reply: sharedChan(int32, 1) }, () => 'sent'), recvCase(other, () => 'other')]);
    expect(leftBehind()).toEqual({ blocks: 1, tokens: 1 }); // stored when it parked
    await other.send(1);
    expect(await lost).toBe('other');
    expect(leftBehind()).toEqual(NOTHING);
    const closed = ch.send({ mu: new SharedMutex() }).catch((e: unknown) => (e as Error).message);
    expect(leftBehind()).toEqual({ blocks: 1, tokens: 1 });
    ch.close();
    expect(await closed).toBe('send on closed channel');
    expect(leftBehind()).toEqual(NOTHING);
  });
});

describe('what a codec cannot carry faithfully is an EncodeError at the send', () => {
  for (const cap of [0, 2]) {
    it(`structured refuses a local channel, a function, a class instance and a symbol (cap ${cap})`, () => {
      const ch = sharedChan(structured(), cap);
      class Job {
        constructor(readonly id: number) {}
      }
      const cases: [unknown, string][] = [
        [{ reply: chan() }, '.reply is a local channel: send a shared channel (sharedChan) to another thread'],
        [{ done: () => {} }, '.done is a function (done): it cannot cross threads'],
        [[new Job(1)], '[0] is a Job: its class would be lost (send plain data, or a shared object)'],
        [{ tag: Symbol('t') }, '.tag is a symbol (Symbol(t)): it cannot cross threads'],
      ];
      for (const [v, why] of cases) {
        let caught: unknown;
        try {
          ch.trySend(v);
        } catch (e) {
          caught = e;
        }
        expect(caught).toBeInstanceOf(EncodeError);
        expect((caught as Error).message).toMatch(/^structured codec: cannot encode /);
        expect((caught as Error).message.endsWith(`(${why})`)).toBe(true);
      }
      expect(ch.len()).toBe(0);
      expect(leftBehind()).toEqual(NOTHING);
    });
  }

  it('json refuses a shared channel, a Date and undefined, naming where', () => {
    const ch = sharedChan(json(), 2);
    expect(() => ch.trySend({ reply: sharedChan(int32) })).toThrow(
      'json codec: cannot encode {"reply":{}} (.reply is a shared object (SharedChan): JSON cannot carry it (use codec.structured))',
    );
    expect(() => ch.trySend([new Date(0)])).toThrow(/\(\[0\] is a Date: JSON cannot carry it/);
    expect(() => ch.trySend({ a: undefined })).toThrow(/\(\.a is undefined: JSON cannot carry it/);
    expect(ch.len()).toBe(0);
  });

  it('a send that would park checks the value first too', async () => {
    const ch = sharedChan(structured(), 0);
    await expect(Promise.resolve().then(() => ch.send({ f: () => 1 }))).rejects.toThrow(EncodeError);
    expect(leftBehind()).toEqual(NOTHING);
  });
});

describe('shared objects through a shared channel, across threads', () => {
  for (const cap of [0, 3]) {
    it(`carries reply channels to a server on another thread, 200 requests (cap ${cap})`, async () => {
      const requests = sharedChan(structured<Ask>(), cap);
      const server = onThread('serve', requests);
      for (let n = 0; n < 200; n++) {
        const reply = sharedChan(int32, n % 2); // unbuffered and buffered replies alike
        await requests.send({ n, reply });
        expect(await reply.recv()).toBe(2 * n);
      }
      requests.close();
      expect(await server.result).toBe(200);
      expect(leftBehind()).toEqual(NOTHING);
    });
  }

  it('carries them through selects on both threads', async () => {
    const requests = sharedChan(structured<Ask>(), 0);
    const quit = sharedChan(int32, 0);
    const server = onThread('serveSelect', requests, quit);
    const never = chan<number>();
    for (let n = 0; n < 100; n++) {
      const reply = sharedChan(int32, 0);
      await select([sendCase(requests, { n, reply }), recvCase(never)]);
      expect(await select([recvCase(reply, (v: number | undefined) => v), recvCase(never, () => -1)])).toBe(2 * n);
    }
    quit.close();
    expect(await server.result).toBe(100);
    expect(leftBehind()).toEqual(NOTHING);
  });

  it('hands a channel and a mutex made on one worker to another worker that was never given them', async () => {
    const pipe = sharedChan(structured<Handed>(), 0);
    const maker = onThread('makeAndPass', pipe);
    const user = onThread('useGiven', pipe);
    expect(await user.result).toBe('sent');
    expect(await maker.result).toBe(42);
  });

  it('reaches a worker that started after the value was sent (it asks the threads that have it)', async () => {
    const requests = sharedChan(structured<Ask>(), 1);
    const reply = sharedChan(int32, 1);
    expect(requests.trySend({ n: 1, reply })).toBe(true); // before the worker exists
    const late = onThread('answerOne', requests);
    expect(await reply.recv()).toBe(7);
    expect(await late.result).toBe('answered');
    expect(leftBehind()).toEqual(NOTHING);
  });

  it('lets two workers count under one SharedMutex sent with the memory it guards', async () => {
    const inbox = sharedChan(structured<Counter>(), 2);
    const counter: Counter = { mu: new SharedMutex(), counts: new Int32Array(new SharedArrayBuffer(4)) };
    inbox.trySend(counter);
    inbox.trySend(counter);
    const n = 2000;
    const a = onThread('countUnderMutex', inbox, n);
    const b = onThread('countUnderMutex', inbox, n);
    expect([await a.result, await b.result]).toEqual([n, n]);
    expect(counter.counts[0]).toBe(2 * n);
    expect(leftBehind()).toEqual(NOTHING);
  });
});
