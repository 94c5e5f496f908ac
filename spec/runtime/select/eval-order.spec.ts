/**
 * Evaluation order of a select (after Go's test/chan/select.go, select4.go, select5.go and sendstmt.go): on entry,
 * the channel operand and the send value of every case are evaluated exactly once, in source order, whether or not
 * the case is chosen, nil, or the select takes its default; only the chosen case's body runs, after all of them.
 */
import { describe, expect, it } from 'vitest';
import {
  chan,
  go,
  nil,
  recvCase,
  select,
  sendCase,
  synctest,
  type Chan,
} from '../../../runtime/index.js';

describe('select evaluation order', () => {
  it('evaluates every send value once per select, even for nil channels and when the default runs', () => {
    let counter = 0;
    let shift = 0;
    const getValue = (): number => {
      counter++;
      return 1 << shift;
    };
    // Sends to a and b until neither can proceed; a case is disabled after it is chosen by setting it to nil.
    const sendAll = (a: Chan<number> | null, b: Chan<number> | null): number => {
      let n = 0;
      for (;;) {
        const done = select(
          [
            sendCase(a, getValue(), () => {
              n++;
              a = nil;
              return false;
            }),
            sendCase(b, getValue(), () => {
              n++;
              b = nil;
              return false;
            }),
          ],
          () => true,
        );
        if (done) return n;
        shift++;
      }
    };
    const a = chan<number>(1);
    const b = chan<number>(1);
    expect(sendAll(a, b)).toBe(2);
    expect(a.tryRecv()!.value! | b.tryRecv()!.value!).toBe(3);
    expect(sendAll(a, nil)).toBe(1);
    expect(counter).toBe(10); // 3 selects * 2 values, then 2 selects * 2 values
  });

  it('evaluates channel operands and send values left to right, before any body, in a select with default', () => {
    const c = chan<number>(1);
    const dummy = chan<number>();
    const nilch: Chan<number> | null = nil;
    for (let n = 1; n <= 50; n++) {
      const log: string[] = [];
      const fc = <T,>(ch: T, tag: string): T => (log.push(tag), ch);
      const fn = <T,>(v: T, tag: string): T => (log.push(tag), v);
      const r = select(
        [
          sendCase(fc(c, 'c'), fn(n, 'n'), () => (log.push('body c'), 'c')),
          sendCase(fc(dummy, 'dummy send'), fn(1, 'dummy value'), () => (log.push('body dummy send'), 'x')),
          recvCase(fc(dummy, 'dummy recv'), () => (log.push('body dummy recv'), 'x')),
          sendCase(fc(nilch, 'nil send'), fn(1, 'nil value'), () => (log.push('body nil send'), 'x')),
          recvCase(fc(nilch, 'nil recv'), () => (log.push('body nil recv'), 'x')),
        ],
        () => (log.push('default'), 'default'),
      );
      expect(r).toBe('c');
      expect(log).toEqual([
        'c',
        'n',
        'dummy send',
        'dummy value',
        'dummy recv',
        'nil send',
        'nil value',
        'nil recv',
        'body c',
      ]);
      expect(c.tryRecv()).toEqual({ value: n, ok: true });
    }
  });

  it('evaluates operands once, on entry, for a select that parks: it sends the value evaluated then', async () => {
    await synctest.run(async () => {
      const c = chan<number>();
      const d = chan<number>();
      let evaluated = 0;
      let value = 1;
      const operand = <T,>(x: T): T => (evaluated++, x);
      const p = select([sendCase(operand(c), operand(value), () => 'c'), recvCase(operand(d), () => 'd')]);
      value = 2;
      await synctest.wait(); // parked
      expect(evaluated).toBe(3);
      expect(await c.recv()).toBe(1);
      expect(await p).toBe('c');
      expect(evaluated).toBe(3);
    });
  });

  it('evaluates the operands even when the select takes the default', () => {
    const log: string[] = [];
    const full = chan<number>(1);
    full.trySend(0);
    const r = select(
      [sendCase((log.push('ch'), full), (log.push('v'), 1)), recvCase((log.push('recv ch'), chan<number>()))],
      () => (log.push('default'), 'default'),
    );
    expect(r).toBe('default');
    expect(log).toEqual(['ch', 'v', 'recv ch', 'default']);
  });

  it('never runs the body (the left-hand side) of a case not chosen', async () => {
    const c = chan<number>(1);
    const c1 = chan<number>();
    await c.send(42);
    const x = { a: 0 };
    let wrongBody = false;
    await select([
      recvCase(c1, () => {
        wrongBody = true;
      }),
      recvCase(c, (v) => {
        x.a = v!;
      }),
    ]);
    expect(wrongBody).toBe(false);
    expect(x.a).toBe(42);
  });

  it('allows a receive inside the operand of a send case (sendstmt: case <-cc <- 2)', async () => {
    const cc = chan<Chan<number>>(1);
    const c = chan<number>(1);
    await cc.send(c);
    // The receive from cc happens while the operands are evaluated; the send to its result is the case.
    const r = select([sendCase((await cc.recv())!, 2, () => 'sent')], () => 'nonblock');
    expect(r).toBe('sent');
    expect(await c.recv()).toBe(2);
    expect(cc.len()).toBe(0);
  });

  it('delivers the value a case was given, and runs each body in its own goroutine after the rendezvous', async () => {
    await synctest.run(async () => {
      const c = chan<number>();
      const log: string[] = [];
      go(async () => {
        await select([sendCase(c, 5, () => log.push('send body'))]);
      });
      await synctest.wait();
      const v = await select([recvCase(c, (v) => (log.push('recv body'), v))]);
      await synctest.wait();
      expect(v).toBe(5);
      expect(log.sort()).toEqual(['recv body', 'send body']);
    });
  });
});
