/**
 * A select never pairs with itself (Go's TestSelfSelect, select3.go), the same channel may appear in several cases
 * (TestSelectDuplicateChannel, TestChanSendInterface), and a select's losing registrations never corrupt a wait
 * queue (select6.go, select7.go).
 */
import { describe, expect, it } from 'vitest';
import { chan, go, recvCase, select, sendCase, synctest, type Chan, type RecvChan } from '../../../runtime/index.js';

const QUIT = Symbol('quit');

describe('self-select', () => {
  it('blocks a lone select that sends and receives on the same unbuffered channel', async () => {
    await synctest.run(async () => {
      const c = chan<number>();
      let done = false;
      go(async () => {
        await select([sendCase(c, 1), recvCase(c)]);
        done = true;
      });
      await synctest.wait();
      expect(done).toBe(false);
      expect(await c.recv()).toBe(1); // an outside partner completes it
      await synctest.wait();
      expect(done).toBe(true);
    });
  });

  it.each([0, 10])('never receives its own value: 2 goroutines, 1000 selects each (chan(%i))', async (capacity) => {
    const selfReceives: number[] = [];
    await synctest.run(async () => {
      const c = chan<number>(capacity);
      for (let p = 0; p < 2; p++) {
        go(async () => {
          for (let i = 0; i < 1000; i++) {
            const check = (v: number | undefined): void => {
              if (capacity === 0 && v === p) selfReceives.push(p);
            };
            if (p === 0 || i % 2 === 0) await select([sendCase(c, p), recvCase(c, check)]);
            else await select([recvCase(c, check), sendCase(c, p)]);
          }
        });
      }
    });
    expect(selfReceives).toEqual([]);
  });

  it('never pairs a select with itself among 5 goroutines; closing quit releases every parked one', async () => {
    const selfReceives: number[] = [];
    let pairs = 0;
    await synctest.run(async () => {
      const c = chan<number>();
      const quit = chan<void>();
      for (let p = 0; p < 5; p++) {
        go(async () => {
          for (;;) {
            const r = await select([
              sendCase(c, p, () => 'sent'),
              recvCase(c, (v) => {
                if (v === p) selfReceives.push(p);
                if (++pairs === 5000) quit.close();
                return 'received';
              }),
              recvCase(quit, () => QUIT),
            ]);
            if (r === QUIT) return;
          }
        });
      }
    });
    expect(selfReceives).toEqual([]);
    expect(pairs).toBeGreaterThanOrEqual(5000);
  });
});

describe('the same channel in several cases', () => {
  it('receives through either of two cases on one channel, chosen at random when the select is parked', async () => {
    const chosen = new Set<string>();
    await synctest.run(async () => {
      const c = chan<number>();
      for (let i = 0; i < 64; i++) {
        const p = select([recvCase(c, (v) => `a${v}`), recvCase(c, (v) => `b${v}`)]);
        await synctest.wait(); // parked on both cases
        await c.send(i);
        const r = await p;
        expect(r.slice(1)).toBe(String(i));
        chosen.add(r[0]!);
        expect(c.trySend(0)).toBe(false); // the losing registration is gone
      }
    });
    expect([...chosen].sort()).toEqual(['a', 'b']);
  });

  it('panics once when a channel it waits to send on through two cases is closed', async () => {
    await synctest.run(async () => {
      const c = chan<number>();
      const p = select([sendCase(c, 1), sendCase(c, 2)]).then(
        () => 'completed',
        (e: unknown) => (e as Error).message,
      );
      await synctest.wait();
      c.close();
      expect(await p).toBe('send on closed channel');
      expect(c.tryRecv()).toEqual({ value: undefined, ok: false });
    });
  });

  it('sends through either of two send cases on one buffered channel (TestChanSendInterface)', () => {
    const c = chan<object>(1);
    const m = {};
    c.trySend(m);
    expect(select([sendCase(c, m, () => 'sent')], () => 'default')).toBe('default');
    expect(select([sendCase(c, m, () => 'sent'), sendCase(c, {}, () => 'sent')], () => 'default')).toBe('default');
    expect(c.tryRecv()).toEqual({ value: m, ok: true });
    expect(select([sendCase(c, m, () => 'm'), sendCase(c, {}, () => 'other')], () => 'default')).not.toBe('default');
    expect(c.len()).toBe(1);
  });

  it('keeps the wait queue intact when a select parked twice on c is woken through another channel', async () => {
    await synctest.run(async () => {
      const c = chan<number>();
      const d = chan<number>();
      const e = chan<number>();
      go(async () => {
        await select([recvCase(c), recvCase(c), recvCase(d)]);
        await e.send(9);
      });
      await synctest.wait(); // A is queued on c (twice) first
      let bGot: number | undefined;
      go(async () => {
        bGot = await c.recv();
      });
      await synctest.wait(); // B is queued on c behind A
      await d.send(7); // wakes A, which must remove both its registrations from c
      expect(await e.recv()).toBe(9);
      await c.send(8); // must reach B, not a stale registration of A
      await synctest.wait();
      expect(bGot).toBe(8);
    });
  });

  it('keeps queues intact when a losing select was last in a queue of several waiters (select6)', async () => {
    await synctest.run(async () => {
      const c1 = chan<boolean>();
      const c2 = chan<boolean>();
      const c3 = chan<boolean>();
      let wrong = false;
      go(async () => {
        await c1.recv();
      });
      go(async () => {
        await select([
          recvCase(c1, () => {
            wrong = true;
          }),
          recvCase(c2, async () => {
            await c3.send(true);
          }),
        ]);
        await c1.recv();
      });
      go(() => c2.send(true));
      await c3.recv();
      await c1.send(true);
      await c1.send(true);
      expect(wrong).toBe(false);
    });
  });
});

describe('discarding a received value (select7)', () => {
  const recv1 = async (c: RecvChan<number>): Promise<void> => {
    await c.recv();
  };
  const recv2 = async (c: RecvChan<number>): Promise<void> => {
    await select([recvCase(c)]);
  };
  const recv3 = async (c: RecvChan<number>): Promise<void> => {
    await select([recvCase(c), recvCase(chan<number>())]);
  };
  const receivers = { recv1, recv2, recv3 };
  const senders = {
    send1: (c: Chan<number>) => c.send(1),
    send2: (c: Chan<number>) => select([sendCase(c, 1)]),
    send3: (c: Chan<number>) => select([sendCase(c, 1), sendCase(chan<number>(), 1)]),
  };
  for (const [rn, recv] of Object.entries(receivers)) {
    for (const [sn, send] of Object.entries(senders)) {
      it(`completes ${sn} against ${rn}, in both arrival orders`, async () => {
        await synctest.run(async () => {
          for (const receiverFirst of [true, false]) {
            const c = chan<number>();
            let received = false;
            go(async () => {
              await recv(c);
              received = true;
            });
            if (receiverFirst) await synctest.wait();
            await send(c);
            await synctest.wait();
            expect(received).toBe(true);
          }
        });
      });
    }
  }
});

describe('break inside a case body (select8)', () => {
  it('runs only the chosen body, with 1, 2 and 3 case selects', async () => {
    await synctest.run(async () => {
      const ch = chan<number>();
      const stop = chan<void>();
      go(async () => {
        while ((await select([sendCase(ch, 5, () => true), recvCase(stop, () => false)])) === true);
      });
      expect(await select([recvCase(ch, (v) => v)])).toBe(5);
      expect(select([], () => 'default')).toBe('default');
      await synctest.wait(); // the sender is parked again
      expect(select([recvCase(ch, (v) => v)], () => 'default')).toBe(5);
      await synctest.wait();
      expect(select([recvCase(ch, (v) => v), sendCase(ch, 10, () => 'sent')], () => 'default')).toBe(5);
      stop.close();
    });
  });
});
