/**
 * Power series as streams of goroutines (after Go's test/chan/powser1.go, McIlroy's "Squinting at power series"):
 * a series is a channel of its coefficients, exact rationals; each operator is a goroutine reading its operands'
 * channels. Exp(U) is defined by a feedback loop, X = 1 + integral(X * U'), so X's stream is split in two and one
 * copy flows back into its own definition. Every goroutine also selects on `quit`, which tears the network down.
 */
import { describe, expect, it } from 'vitest';
import { chan, go, recvCase, select, sendCase, synctest, type Chan, type RecvChan } from '../../../runtime/index.js';

/** Rat is an exact fraction num/den in lowest terms, den > 0. */
class Rat {
  readonly num: bigint;
  readonly den: bigint;
  constructor(num: bigint, den = 1n) {
    if (den === 0n) throw new RangeError('zero denominator');
    if (den < 0n) [num, den] = [-num, -den];
    const g = gcd(num < 0n ? -num : num, den);
    this.num = num / g;
    this.den = den / g;
  }
  add(o: Rat): Rat {
    return new Rat(this.num * o.den + o.num * this.den, this.den * o.den);
  }
  mul(o: Rat): Rat {
    return new Rat(this.num * o.num, this.den * o.den);
  }
  toString(): string {
    return this.den === 1n ? `${this.num}` : `${this.num}/${this.den}`;
  }
}

function gcd(a: bigint, b: bigint): bigint {
  while (b !== 0n) [a, b] = [b, a % b];
  return a === 0n ? 1n : a;
}

const ZERO = new Rat(0n);
const ONE = new Rat(1n);
const STOP = Symbol('stop');
const stop = (): typeof STOP => STOP;
type Series = RecvChan<Rat>;

/** Net holds the quit channel every operator goroutine of one computation selects on. */
class Net {
  readonly quit = chan<void>();

  /** put sends v on out unless the network is torn down first; it reports whether it sent. */
  async put(out: Chan<Rat>, v: Rat): Promise<boolean> {
    return (await select([sendCase(out, v, () => true), recvCase(this.quit, () => false)])) as boolean;
  }

  /** get receives from s, or STOP once the network is torn down. */
  get(s: Series): Promise<Rat | typeof STOP> {
    return select([recvCase(s, (v) => v!), recvCase(this.quit, stop)]);
  }

  /** ones is 1 + x + x^2 + ... */
  ones(): Series {
    const out = chan<Rat>();
    go(async () => {
      while (await this.put(out, ONE));
    });
    return out;
  }

  /** split copies every coefficient of s to two series, sending to whichever reader is ready first. */
  split(s: Series): [Series, Series] {
    const a = chan<Rat>();
    const b = chan<Rat>();
    go(async () => {
      for (;;) {
        const v = await this.get(s);
        if (v === STOP) return;
        // Go's idiom: a case whose channel is set to nil is disabled.
        let ta: Chan<Rat> | null = a;
        let tb: Chan<Rat> | null = b;
        while (ta !== null || tb !== null) {
          const r = await select([
            sendCase(ta, v, () => (ta = null)),
            sendCase(tb, v, () => (tb = null)),
            recvCase(this.quit, stop),
          ]);
          if (r === STOP) return;
        }
      }
    });
    return [a, b];
  }

  /** deriv is U'. */
  deriv(u: Series): Series {
    const out = chan<Rat>();
    go(async () => {
      if ((await this.get(u)) === STOP) return;
      for (let n = 1n; ; n++) {
        const v = await this.get(u);
        if (v === STOP || !(await this.put(out, v.mul(new Rat(n))))) return;
      }
    });
    return out;
  }

  /** integ is c + the integral of U. */
  integ(c: Rat, u: Series): Series {
    const out = chan<Rat>();
    go(async () => {
      if (!(await this.put(out, c))) return;
      for (let n = 1n; ; n++) {
        const v = await this.get(u);
        if (v === STOP || !(await this.put(out, v.mul(new Rat(1n, n))))) return;
      }
    });
    return out;
  }

  /** mul is F * G (Cauchy product), keeping the coefficients read so far. */
  mul(f: Series, g: Series): Series {
    const out = chan<Rat>();
    go(async () => {
      const fs: Rat[] = [];
      const gs: Rat[] = [];
      for (;;) {
        const a = await this.get(f);
        if (a === STOP) return;
        const b = await this.get(g);
        if (b === STOP) return;
        fs.push(a);
        gs.push(b);
        const n = fs.length - 1;
        let sum = ZERO;
        for (let i = 0; i <= n; i++) sum = sum.add(fs[i]!.mul(gs[n - i]!));
        if (!(await this.put(out, sum))) return;
      }
    });
    return out;
  }

  /** exp is Exp(U) with U's constant term ignored: X = 1 + integral(X * U'). */
  exp(u: Series): Series {
    const x = chan<Rat>();
    const [out, back] = this.split(x);
    const body = this.integ(ONE, this.mul(back, this.deriv(u)));
    go(async () => {
      for (;;) {
        const v = await this.get(body);
        if (v === STOP || !(await this.put(x, v))) return;
      }
    });
    return out;
  }
}

async function take(s: Series, n: number): Promise<string[]> {
  const got: string[] = [];
  for (let i = 0; i < n; i++) got.push(String(await s.recv()));
  return got;
}

describe('power series', () => {
  it('computes the first 10 terms of Exp(Ones) exactly', async () => {
    let terms: string[] = [];
    await synctest.run(async () => {
      const net = new Net();
      terms = await take(net.exp(net.ones()), 10);
      net.quit.close(); // synctest.run resolves only once every operator goroutine has returned
    });
    expect(terms).toEqual([
      '1',
      '1',
      '3/2',
      '13/6',
      '73/24',
      '167/40',
      '4051/720',
      '37633/5040',
      '43817/4480',
      '4596553/362880',
    ]);
  });

  it('computes Ones * Ones = 1 + 2x + 3x^2 + ... and its derivative and integral', async () => {
    await synctest.run(async () => {
      const net = new Net();
      expect(await take(net.mul(net.ones(), net.ones()), 6)).toEqual(['1', '2', '3', '4', '5', '6']);
      expect(await take(net.deriv(net.ones()), 4)).toEqual(['1', '2', '3', '4']);
      expect(await take(net.integ(ZERO, net.ones()), 5)).toEqual(['0', '1', '1/2', '1/3', '1/4']);
      net.quit.close();
    });
  });
});
