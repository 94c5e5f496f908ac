/**
 * Channel direction types, as Go's test/chan/perm.go checks `chan<-` and `<-chan`: every forbidden use below is a
 * compile error that `tsc --noEmit` expects (an unused `@ts-expect-error` is itself an error). The forbidden lines
 * sit in functions that are only type-checked, never called, since at run time the channel would have the method.
 */
import { describe, expect, it } from 'vitest';
import {
  after,
  chan,
  close,
  recv,
  recvCase,
  select,
  send,
  sendCase,
  type Chan,
  type RecvChan,
  type SendChan,
} from '../../../runtime/index.js';

/** forbidden holds the uses the compiler must reject; it is type-checked and never called. */
function forbidden(c: Chan<number>, cr: RecvChan<number>, cs: SendChan<number>): void {
  // Conversions: a one-way view is not a bidirectional channel, nor the other one-way view.
  // @ts-expect-error a RecvChan is not a Chan
  const c1: Chan<number> = cr;
  // @ts-expect-error a SendChan is not a Chan
  const c2: Chan<number> = cs;
  // @ts-expect-error a SendChan is not a RecvChan
  const r1: RecvChan<number> = cs;
  // @ts-expect-error a RecvChan is not a SendChan
  const s1: SendChan<number> = cr;

  // A RecvChan cannot send or close.
  // @ts-expect-error RecvChan has no send
  void cr.send(0);
  // @ts-expect-error RecvChan has no trySend
  cr.trySend(0);
  // @ts-expect-error RecvChan has no close
  cr.close();
  // @ts-expect-error close() needs a SendChan
  close(cr);
  // @ts-expect-error send() needs a SendChan
  void send(cr, 0);

  // A SendChan cannot receive or be ranged over.
  // @ts-expect-error SendChan has no recv
  void cs.recv();
  // @ts-expect-error SendChan has no recvOk
  void cs.recvOk();
  // @ts-expect-error SendChan has no tryRecv
  cs.tryRecv();
  // @ts-expect-error recv() needs a RecvChan
  void recv(cs);
  void (async () => {
    // @ts-expect-error SendChan is not async-iterable
    for await (const v of cs) void v;
  })();

  // Select cases follow the direction too.
  // @ts-expect-error sendCase needs a SendChan
  sendCase(cr, 0);
  // @ts-expect-error recvCase needs a RecvChan
  recvCase(cs);
  // @ts-expect-error a timer channel is receive-only
  sendCase(after(1), new Date());

  // Element types are checked both ways.
  // @ts-expect-error a Chan<number> does not carry strings
  void c.send('x');
  // @ts-expect-error a SendChan<number> is not a SendChan<string | number> (it cannot take strings)
  const s2: SendChan<string | number> = cs;
  // @ts-expect-error a RecvChan<string | number> is not a RecvChan<number> (it may yield strings)
  const r2: RecvChan<number> = chan<string | number>();
  // @ts-expect-error Chan is invariant: Chan<number> is not Chan<number | string>
  const c3: Chan<number | string> = c;
  // @ts-expect-error a receive case's callback sees the channel's element type
  recvCase(cr, (v: string | undefined) => v);

  void [c1, c2, r1, s1, s2, r2, c3];
}

/** allowed holds the uses the compiler must accept (perm.go's "ok" lines). */
async function allowed(c: Chan<number>): Promise<number[]> {
  const cr: RecvChan<number> = c;
  const cs: SendChan<number> = c;
  const out: number[] = [];
  await cs.send(1);
  cs.trySend(2);
  out.push((await cr.recv())!, (await cr.recvOk()).value!);
  await select([sendCase(c, 3), sendCase(cs, 3)]);
  await select([recvCase(c, (v) => void out.push(v!)), recvCase(cr, (v) => void out.push(v!))]);
  const wide: SendChan<1 | 2> = cs; // contravariant: a sender of numbers accepts 1 | 2
  const narrow: RecvChan<number | string> = cr; // covariant: a receiver of numbers yields number | string
  void [wide, narrow];
  cs.close();
  for await (const v of cr) out.push(v);
  return out;
}

describe('channel direction types', () => {
  it('rejects the forbidden uses at compile time (checked by tsc, never run)', () => {
    if (false as boolean) forbidden(chan(), chan(), chan());
    expect(typeof forbidden).toBe('function');
  });

  it('accepts a Chan where either one-way view is expected, and both views work', async () => {
    expect(await allowed(chan<number>(4))).toEqual([1, 2, 3]);
  });
});
