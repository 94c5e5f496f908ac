/**
 * Select under load (Go's TestSelectStress): plain senders and receivers on four channels of different capacities,
 * plus one goroutine sending on all four in a single select and one receiving from all four in a single select,
 * each disabling a channel (setting its case to nil) once it has moved its share. Nothing deadlocks, nothing is lost.
 */
import { describe, expect, it } from 'vitest';
import { chan, go, recvCase, select, sendCase, synctest, type Chan } from '../../../runtime/index.js';
import { seeds } from '../../stress.js';
import { rng } from '../../prng.js';

describe('select stress', () => {
  it('moves N values per channel and role through a mix of plain operations and 4-way selects', async () => {
    const N = 10_000;
    const sent = [0, 0, 0, 0];
    const received = [0, 0, 0, 0];
    await synctest.run(async () => {
      const cs: Chan<number>[] = [chan<number>(), chan<number>(), chan<number>(2), chan<number>(3)];
      for (let k = 0; k < 4; k++) {
        go(async () => {
          for (let i = 0; i < N; i++) await cs[k]!.send(k);
        });
        go(async () => {
          for (let i = 0; i < N; i++) received[(await cs[k]!.recv())!]!++;
        });
      }
      go(async () => {
        const n = [0, 0, 0, 0];
        const c1: (Chan<number> | null)[] = [...cs];
        for (let i = 0; i < 4 * N; i++) {
          const moved = (k: number) => () => {
            sent[k]!++;
            if (++n[k]! === N) c1[k] = null;
          };
          const at = (k: number): Chan<number> | null => c1[k] ?? null;
          await select([
            sendCase(at(3), 3, moved(3)),
            sendCase(at(2), 2, moved(2)),
            sendCase(at(0), 0, moved(0)),
            sendCase(at(1), 1, moved(1)),
          ]);
        }
      });
      go(async () => {
        const n = [0, 0, 0, 0];
        const c1: (Chan<number> | null)[] = [...cs];
        for (let i = 0; i < 4 * N; i++) {
          const got = (k: number) => (v: number | undefined) => {
            received[v!]!++;
            if (++n[k]! === N) c1[k] = null;
          };
          const at = (k: number): Chan<number> | null => c1[k] ?? null;
          await select([
            recvCase(at(0), got(0)),
            recvCase(at(1), got(1)),
            recvCase(at(2), got(2)),
            recvCase(at(3), got(3)),
          ]);
        }
      });
    });
    expect(sent).toEqual([N, N, N, N]);
    expect(received).toEqual([2 * N, 2 * N, 2 * N, 2 * N]);
  });

  it('delivers every value exactly once with random senders, receivers, capacities and selects (seeded)', async () => {
    for (const seed of seeds(5)) {
      const rand = rng(seed);
      const nchans = 1 + Math.floor(rand() * 4);
      const caps = Array.from({ length: nchans }, () => [0, 0, 1, 2, 5][Math.floor(rand() * 5)]!);
      const senders = 1 + Math.floor(rand() * 4);
      const receivers = 1 + Math.floor(rand() * 4);
      const perSender = 2000;
      const seen = new Uint8Array(senders * perSender);
      await synctest.run(async () => {
        const cs = caps.map((c) => chan<number>(c));
        const quit = chan<void>();
        let left = senders * perSender;
        for (let s = 0; s < senders; s++) {
          const r = rng(seed * 100 + s);
          go(async () => {
            for (let i = 0; i < perSender; i++) {
              const v = s * perSender + i;
              if (r() < 0.5) await cs[Math.floor(r() * nchans)]!.send(v);
              else await select(cs.map((c) => sendCase(c, v)));
              if (r() < 0.1) await null;
            }
          });
        }
        for (let q = 0; q < receivers; q++) {
          const r = rng(seed * 1000 + q);
          go(async () => {
            for (;;) {
              // Sometimes a non-blocking receive on one channel; else block on all of them, so no sender starves.
              const tried = r() < 0.3 ? cs[Math.floor(r() * nchans)]!.tryRecv() : undefined;
              const v = tried?.ok
                ? tried.value
                : await select([...cs.map((c) => recvCase(c, (x) => x)), recvCase(quit, () => quit)]);
              if (v === quit) return;
              seen[v as number]!++;
              if (--left === 0) quit.close();
            }
          });
        }
      });
      expect({ seed, bad: seen.findIndex((n) => n !== 1) }).toEqual({ seed, bad: -1 });
    }
  });
});
