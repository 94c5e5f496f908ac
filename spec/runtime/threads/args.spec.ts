/**
 * The argument check and the wire replacement (args.ts), without threads: what may cross, the exact refusal
 * messages, and the rebuilding of shared objects at any depth.
 */
import { describe, expect, it } from 'vitest';
import { chan, InvalidArgumentError, WaitGroup } from '../../../runtime/index.js';
import { WIRE_KIND } from '../../../runtime/shared/objects/wire.js';
import { decode, encode, encodeArgs, MAX_DEPTH } from '../../../runtime/threads/args.js';
import { SharedCounter } from './tasks/shared.js';

describe('encodeArgs', () => {
  it('passes structured-clonable data through without copying', () => {
    class Point {
      constructor(
        readonly x: number,
        readonly y: number,
      ) {}
    }
    const args = [1, 'a', null, undefined, 2n, [1, [2]], { a: { b: [new Date(0)] } }, new Map([['k', new Set([1])]]), new Uint8Array(4), new Point(1, 2), Object.create(null) as object, new Error('e')];
    const { value, wired } = encodeArgs('go', args);
    expect(wired).toBe(false);
    value.forEach((v, i) => expect(v).toBe(args[i]));
  });

  it('replaces shared objects by their wire descriptions, copying only the containers on the way', () => {
    const c = new SharedCounter();
    const other = { untouched: [1, 2] };
    const arg = { list: [c], other, m: new Map([['c', c]]) };
    const { value, wired } = encodeArgs('go', [arg]);
    expect(wired).toBe(true);
    const v = value[0] as typeof arg;
    expect(v).not.toBe(arg);
    expect(arg.list[0]).toBe(c);
    expect((v.list[0] as unknown as Record<string, unknown>)[WIRE_KIND]).toBe('spec-counter');
    expect(v.other).toBe(other);
    const back = decode(structuredClone(value)) as [typeof arg];
    expect(back[0].list[0]).toBeInstanceOf(SharedCounter);
    expect(back[0].m.get('c')).toBeInstanceOf(SharedCounter);
    Atomics.add(back[0].list[0]!.words, 0, 3);
    expect(c.value).toBe(3);
  });

  it('checks a repeated or cyclic reference once', () => {
    const a: { self?: unknown; n: number } = { n: 1 };
    a.self = a;
    expect(encodeArgs('go', [a, a]).value[0]).toBe(a);
  });

  function named(): void {}
  class Service {
    run(): void {}
  }
  it.each([
    [[named], 'go: argument 0 is a function (named), which cannot cross threads; pass data or shared objects instead'],
    [[1, () => 1], 'go: argument 1 is a function (anonymous), which cannot cross threads; pass data or shared objects instead'],
    [[Symbol.iterator], 'go: argument 0 is a symbol (Symbol(Symbol.iterator)), which cannot cross threads'],
    [[{ out: chan<number>(1) }], 'go: argument 0.out is a local channel, which cannot cross threads; create a shared channel (sharedChan) to pass it to another thread'],
    [[[new Service()]], 'go: argument 0[0] is an instance of Service, which cannot cross threads; pass data or shared objects instead'],
    [[{ 'a b': new WaitGroup() }], 'go: argument 0["a b"] is an instance of WaitGroup, which cannot cross threads; pass data or shared objects instead'],
    [[new Map([[1, { f: named }]])], 'go: argument 0[map value].f is a function (named), which cannot cross threads; pass data or shared objects instead'],
    [[new Set([Promise.resolve()])], 'go: argument 0[set item] is an instance of Promise, which cannot cross threads; pass data or shared objects instead'],
  ])('refuses %o with a message naming where and what', (args, message) => {
    expect(() => encodeArgs('go', args)).toThrow(InvalidArgumentError);
    expect(() => encodeArgs('go', args)).toThrow(message);
  });

  /** nest puts `leaf` `n` levels deep, each level made by `wrap`. */
  const nest = (n: number, wrap: (inner: unknown) => unknown, leaf: unknown = 1): unknown => {
    let v = leaf;
    for (let i = 0; i < n; i++) v = wrap(v);
    return v;
  };

  it(`passes values nested up to MAX_DEPTH (${MAX_DEPTH}) levels, and refuses deeper ones with a named error`, () => {
    const kinds: [string, (inner: unknown) => unknown][] = [
      ['arrays', (x) => [x]],
      ['objects', (x) => ({ x })],
      ['Maps', (x) => new Map([['k', x]])],
      ['Sets', (x) => new Set([x])],
    ];
    for (const [, wrap] of kinds) {
      const ok = nest(MAX_DEPTH, wrap);
      expect(encodeArgs('go', [1, ok]).value[1]).toBe(ok);
      expect(() => encodeArgs('go', [1, nest(MAX_DEPTH + 1, wrap)])).toThrow(
        `go: argument 1 nests more than ${MAX_DEPTH} levels deep (arrays, objects, Maps or Sets inside each other), which cannot cross threads`,
      );
    }
  });

  it('refuses a value deep enough to overflow the stack with the same named error, not a RangeError', () => {
    const deep = nest(200_000, (x) => [x]);
    expect(() => encodeArgs('goThread', [deep])).toThrow(InvalidArgumentError);
    expect(() => encodeArgs('goThread', [deep])).toThrow(/^goThread: argument 0 nests more than \d+ levels deep/);
    // From deep in a stack the walk can overflow short of MAX_DEPTH: the overflow, wherever it happens inside the
    // walk, is the same named error (a proxy stands for the frame that overflows).
    const overflowing = new Proxy(
      {},
      {
        getPrototypeOf(): never {
          throw new RangeError('Maximum call stack size exceeded');
        },
      },
    );
    expect(() => encodeArgs('go', [1, { a: [overflowing] }])).toThrow(
      `go: argument 1 nests more than ${MAX_DEPTH} levels deep (arrays, objects, Maps or Sets inside each other), which cannot cross threads`,
    );
    expect(() => encode(nest(MAX_DEPTH + 1, (x) => ({ x })), 'goThread: the result of task t')).toThrow(
      /^goThread: the result of task t nests more than \d+ levels deep/,
    );
  });

  it('names a result by the label it is given', () => {
    expect(() => encode({ cb: named }, 'goThread: the result of task t')).toThrow(
      'goThread: the result of task t.cb is a function (named), which cannot cross threads; pass data or shared objects instead',
    );
  });
});
