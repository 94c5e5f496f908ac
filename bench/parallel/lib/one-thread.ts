/**
 * one-thread: the workloads of shared-chan-one-thread.bench.ts and of its callgrind driver (callgrind-one-thread.ts),
 * written against a Tree, the part of a runtime checkout they use, so that two checkouts can run them side by side.
 */
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
import { go } from '../../../runtime/go.js';

export const N = 20_000;

/** Tree is what a workload needs of a runtime checkout. */
export interface Tree {
  readonly label: string;
  readonly sharedChan: (c: unknown, cap?: number) => Ch;
  readonly int32: unknown;
  readonly string16: unknown;
  readonly select: (cases: unknown[]) => Promise<unknown>;
  readonly recvCase: (ch: Ch, fn: (v: unknown) => unknown) => unknown;
}

/** Ch is the part of a channel the workloads use (local or shared, either tree). */
export interface Ch {
  trySend(v: unknown): boolean;
  tryRecv(): { value: unknown; ok: boolean } | undefined;
  send(v: unknown): Promise<void>;
  recv(): Promise<unknown>;
}

export async function load(root: string, label: string): Promise<Tree> {
  const url = (p: string): string => pathToFileURL(resolve(root, p)).href;
  const sc = await import(url('runtime/shared/channels/shared-chan.ts'));
  const scalars = await import(url('runtime/shared/codecs/scalars.ts'));
  const strings = await import(url('runtime/shared/codecs/string.ts'));
  const sel = await import(url('runtime/select.ts'));
  return tree(label, sc, scalars, strings, sel);
}

/** tree makes a Tree of a checkout's modules: shared-chan, codecs/scalars, codecs/string and select. */
export function tree(label: string, sc: object, scalars: object, strings: object, sel: object): Tree {
  // Each checkout's modules have their own types: take what a Tree needs by name.
  const c = sc as unknown as Pick<Tree, 'sharedChan'>;
  const k = scalars as unknown as { int32: unknown };
  const s = strings as unknown as { string: (o: { maxBytes: number }) => unknown };
  const x = sel as unknown as Pick<Tree, 'select' | 'recvCase'>;
  return {
    label,
    sharedChan: c.sharedChan,
    int32: k.int32,
    string16: s.string({ maxBytes: 16 }),
    select: x.select,
    recvCase: x.recvCase,
  };
}

export function tries(ch: Ch, value: (i: number) => unknown, back: (v: unknown) => number, n = N): number {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    ch.trySend(value(i));
    sum += back(ch.tryRecv()!.value);
  }
  return sum;
}

export async function offerRecv(ch: Ch, n = N): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const r = ch.recv();
    await ch.send(i);
    sum += (await r) as number;
  }
  return sum;
}

export async function pingPong(ping: Ch, pong: Ch, n = N): Promise<number> {
  go(async () => {
    for (let i = 0; i < n; i++) await pong.send(await ping.recv());
  });
  let sum = 0;
  for (let i = 0; i < n; i++) {
    await ping.send(i);
    sum += (await pong.recv()) as number;
  }
  return sum;
}

export async function selects(t: Tree, n = N): Promise<number> {
  const a = t.sharedChan(t.int32, 1);
  const b = t.sharedChan(t.int32, 1);
  const c = t.sharedChan(t.int32);
  const d = t.sharedChan(t.int32);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    a.trySend(i);
    sum += (await t.select([t.recvCase(a, (v) => v), t.recvCase(b, (v) => v)])) as number;
    const s = t.select([t.recvCase(c, (v) => v), t.recvCase(d, (v) => v)]);
    await (i % 2 === 0 ? c : d).send(i);
    sum += (await s) as number;
  }
  return sum;
}


/** readySelects: a 2-case select over two cap-1 shared channels, one case ready, `n` times. */
export async function readySelects(t: Tree, n = N): Promise<number> {
  const a = t.sharedChan(t.int32, 1);
  const b = t.sharedChan(t.int32, 1);
  let sum = 0;
  for (let i = 0; i < n; i++) {
    (i % 2 === 0 ? a : b).trySend(i);
    sum += (await t.select([t.recvCase(a, (v) => v), t.recvCase(b, (v) => v)])) as number;
  }
  return sum;
}

/** mutexes: an uncontended lock + unlock of one mutex (a SharedMutex of either tree), `n` times. */
export async function mutexes(mu: { lock(): Promise<void>; unlock(): void }, n = N): Promise<number> {
  let sum = 0;
  for (let i = 0; i < n; i++) {
    await mu.lock();
    sum += i;
    mu.unlock();
  }
  return sum;
}
