import { describe, expect, it } from 'vitest';
import { synctest, sleep } from '../../../runtime/index.js';
import { type DeadLetter, Pipeline } from '../../../patterns/index.js';
import { counted } from './helpers.js';
import { rng } from '../../prng.js';

describe('Pipeline: random shapes, delays and failures', () => {
  it('delivers exactly the surviving items, in order when ordered, within the window, for 40 seeds', () =>
    synctest.run(async () => {
      for (let seed = 1; seed <= 40; seed++) {
        const r = rng(seed);
        const ordered = r() < 0.7;
        const n = 30 + Math.floor(r() * 60);
        const stages = 1 + Math.floor(r() * 4);
        let p = new Pipeline<number>({ ordered }) as Pipeline<number, number>;
        const shapes: string[] = [];
        let window = 0;
        for (let s = 0; s < stages; s++) {
          const concurrency = 1 + Math.floor(r() * 4);
          const bufferSize = Math.floor(r() * 5);
          const failEvery = 5 + Math.floor(r() * 10);
          const delays = Array.from({ length: n }, () => Math.floor(r() * 20));
          window += concurrency + bufferSize;
          shapes.push(`c${concurrency}b${bufferSize}f${failEvery}`);
          p = p.addStage(
            `s${s}`,
            async (x) => {
              await sleep(delays[x]!);
              if (x % failEvery === failEvery - 1) throw new Error(`s${s} x${x}`);
              return x;
            },
            { concurrency, bufferSize },
          );
        }
        const keep = (x: number): boolean => x % 3 !== 0;
        p = p.addFilter(keep);
        window += 1 + 16; // the filter stage (defaults)
        const src = counted(n);
        const out: number[] = [];
        let most = 0;
        for await (const v of p.processStream(src)) {
          out.push(v);
          most = Math.max(most, p.getMetrics().inFlight);
          await sleep(Math.floor(r() * 5));
        }
        const dead: DeadLetter[] = [];
        for (let d = p.deadLetters.tryRecv(); d !== undefined; d = p.deadLetters.tryRecv()) dead.push(d.value!);
        const failing = (x: number): boolean =>
          shapes.some((sh) => {
            const f = Number(/f(\d+)/.exec(sh)![1]);
            return x % f === f - 1;
          });
        const all = Array.from({ length: n }, (_, i) => i);
        const expected = all.filter((x) => !failing(x) && keep(x));
        const context = `seed ${seed}: ${ordered ? 'ordered' : 'unordered'} ${shapes.join(' ')}`;
        if (ordered) expect(out, context).toEqual(expected);
        else expect([...out].sort((a, b) => a - b), context).toEqual(expected);
        expect(dead.map((d) => d.item as number).sort((a, b) => a - b), context).toEqual(all.filter(failing));
        expect(most, context).toBeLessThanOrEqual(window);
        expect(p.activeGoroutines, context).toBe(0);
      }
    }));
});

describe('Pipeline: cancel at random points', () => {
  it('ends every run cleanly whenever the abort lands (300 seeded runs, sync and async stages)', () =>
    synctest.run(async () => {
      const r = rng(99);
      for (let i = 0; i < 300; i++) {
        const ac = new AbortController();
        const asyncStage = r() < 0.5;
        const n = 1 + Math.floor(r() * 12);
        const abortAt = Math.floor(r() * (n + 2));
        const p = new Pipeline<number>({ failFast: r() < 0.3 })
          .addStage('a', asyncStage ? async (x: number) => (await sleep(r() < 0.5 ? 0 : 1), x) : (x: number) => x, {
            concurrency: 1 + Math.floor(r() * 3),
            bufferSize: Math.floor(r() * 3),
          })
          .addStage('b', (x) => {
            if (x === n - 1 && r() < 0.3) throw new Error('last');
            return x;
          });
        let seen = 0;
        try {
          for await (const _ of p.processStream(counted(n), ac.signal)) {
            if (++seen === abortAt) ac.abort(new Error('abort'));
          }
        } catch (e) {
          expect(['abort', 'pipeline stage "b" failed: last']).toContain((e as Error).message);
        }
        expect(p.activeGoroutines, `run ${i}`).toBe(0);
        expect(p.getMetrics().activeRuns, `run ${i}`).toBe(0);
      }
    }));
});
