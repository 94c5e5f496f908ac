/**
 * select: the cost of a select that does not park.
 *
 *   uncontended:  Go's SelectUncontended on one goroutine. One value bounces between two channels of capacity 1,
 *                 so exactly one of the two cases is ready on every pass:
 *                   select { case v := <-c1: c2 <- v+1; case v := <-c2: c1 <- v+1 }
 *                 Reported per pass (one select + one buffered send).
 *   nonblocking:  Go's ChanNonblocking: `select { case <-c: ...; default: }` on an empty unbuffered channel, which
 *                 always takes the default. Reported per select.
 *
 * Go 1.19 on this machine: SelectUncontended 68-79 ns (target for gocsp: <= 150 ns). Both Go benchmarks use
 * b.RunParallel, so Go's ns/op is wall time over GOMAXPROCS (2 here) goroutines working at once; one core's cost
 * per op is about twice that. gocsp runs on one thread.
 *
 * Run alone: npx tsx bench/runtime/select.bench.ts
 */
import { Effect, Option, Queue } from 'effect';
import csp from 'js-csp';
import { chan } from '../../runtime/chan/local-chan.js';
import type { Chan } from '../../runtime/chan/types.js';
import { recvCase, select } from '../../runtime/select.js';
import { NaiveChan, naiveSelect } from '../baseline/naive-chan.js';
import { newBench, report, sumTo, timed, timedSync, type Unsupported } from '../lib/harness.js';
import { uncontendedSelect } from '../lib/workloads.js';

const N_UNCONTENDED = 10_000;
const N_NONBLOCKING = 100_000;

// uncontended: receiving 0, 1, ..., N-1 in turn.
const SUM = sumTo(N_UNCONTENDED);

/** gocspUncontended: the shared workload (bench/lib/workloads.ts). */
const gocspUncontended = (): Promise<number> => uncontendedSelect(N_UNCONTENDED);

async function gocspUncontendedHoisted(): Promise<number> {
  const c1 = chan<number>(1);
  const c2 = chan<number>(1);
  c1.trySend(0);
  let sum = 0;
  // The case objects are made once and reused: legal, since a case only binds a channel and a callback.
  const cases = [recvCase(c1, (v) => ((sum += v!), c2)), recvCase(c2, (v) => ((sum += v!), c1))] as const;
  for (let i = 0; i < N_UNCONTENDED; i++) {
    const to = await select(cases);
    await to.send(i + 1);
  }
  return sum;
}

function gocspUncontendedSync(): number {
  const c1 = chan<number>(1);
  const c2 = chan<number>(1);
  c1.trySend(0);
  let sum = 0;
  for (let i = 0; i < N_UNCONTENDED; i++) {
    // With a default select returns synchronously; the default never runs here since one case is always ready.
    const to: Chan<number> | null = select(
      [recvCase(c1, (v) => ((sum += v!), c2)), recvCase(c2, (v) => ((sum += v!), c1))],
      () => null,
    );
    if (to === null || !to.trySend(i + 1)) throw new Error('unexpected block');
  }
  return sum;
}

async function naiveUncontended(): Promise<number> {
  const c1 = new NaiveChan<number>(1);
  const c2 = new NaiveChan<number>(1);
  await c1.send(0);
  let sum = 0;
  for (let i = 0; i < N_UNCONTENDED; i++) {
    const r = await naiveSelect([
      { ch: c1, send: false },
      { ch: c2, send: false },
    ]);
    sum += r.value!;
    await (r.index === 0 ? c2 : c1).send(i + 1);
  }
  return sum;
}

function jsCspUncontended(): Promise<number> {
  const c1 = csp.chan<number>(1);
  const c2 = csp.chan<number>(1);
  csp.offer(c1, 0);
  const main = csp.go(function* () {
    let sum = 0;
    for (let i = 0; i < N_UNCONTENDED; i++) {
      const r = (yield csp.alts([c1, c2])) as { value: number; channel: unknown };
      sum += r.value;
      yield csp.put(r.channel === c1 ? c2 : c1, i + 1);
    }
    return sum;
  });
  return new Promise((resolve) => csp.takeAsync(main, (sum) => resolve(sum ?? -1)));
}

// nonblocking: every select takes the default, which adds 1.

function gocspNonblocking(): number {
  const c = chan<number>();
  let n = 0;
  for (let i = 0; i < N_NONBLOCKING; i++) n += select([recvCase(c, () => 1000)], () => 1);
  return n;
}

function gocspNonblocking2(): number {
  const a = chan<number>();
  const b = chan<number>();
  let n = 0;
  for (let i = 0; i < N_NONBLOCKING; i++) n += select([recvCase(a, () => 1000), recvCase(b, () => 1000)], () => 1);
  return n;
}

function gocspTryRecv(): number {
  const c = chan<number>();
  let n = 0;
  for (let i = 0; i < N_NONBLOCKING; i++) n += c.tryRecv() === undefined ? 1 : 1000;
  return n;
}

function jsCspAltsDefault(): Promise<number> {
  const c = csp.chan<number>();
  const main = csp.go(function* () {
    let n = 0;
    for (let i = 0; i < N_NONBLOCKING; i++) {
      const r = (yield csp.alts([c], { default: 1 })) as { value: number };
      n += r.value;
    }
    return n;
  });
  return new Promise((resolve) => csp.takeAsync(main, (n) => resolve(n ?? -1)));
}

function jsCspPoll(): number {
  const c = csp.chan<number>();
  let n = 0;
  for (let i = 0; i < N_NONBLOCKING; i++) n += csp.poll(c) === csp.NO_VALUE ? 1 : 1000;
  return n;
}

const effectPoll = Effect.gen(function* () {
  const q = yield* Queue.bounded<number>(0);
  let n = 0;
  for (let i = 0; i < N_NONBLOCKING; i++) n += Option.isNone(yield* Queue.poll(q)) ? 1 : 1000;
  return n;
});

const U = 'uncontended';
const NB = 'nonblocking';
const bench = newBench('select: one case ready / default on an empty channel');
bench
  .add(`${U} | gocsp await select(2 recvCases) + send`, timed(N_UNCONTENDED, SUM, gocspUncontended), { async: true })
  .add(`${U} | gocsp same, cases hoisted`, timed(N_UNCONTENDED, SUM, gocspUncontendedHoisted), { async: true })
  .add(`${U} | gocsp select(.., default) + trySend (sync)`, timedSync(N_UNCONTENDED, SUM, gocspUncontendedSync), {
    async: false,
  })
  .add(`${U} | baseline: naiveSelect + send`, timed(N_UNCONTENDED, SUM, naiveUncontended), { async: true })
  .add(`${U} | js-csp alts([c1, c2]) + put`, timed(N_UNCONTENDED, SUM, jsCspUncontended), { async: true })
  .add(`${NB} | gocsp select([recvCase], default)`, timedSync(N_NONBLOCKING, N_NONBLOCKING, gocspNonblocking), {
    async: false,
  })
  .add(`${NB} | gocsp select(2 recvCases, default)`, timedSync(N_NONBLOCKING, N_NONBLOCKING, gocspNonblocking2), {
    async: false,
  })
  .add(`${NB} | gocsp tryRecv() (floor, not a select)`, timedSync(N_NONBLOCKING, N_NONBLOCKING, gocspTryRecv), {
    async: false,
  })
  .add(`${NB} | js-csp yield alts([c], {default})`, timed(N_NONBLOCKING, N_NONBLOCKING, jsCspAltsDefault), {
    async: true,
  })
  .add(`${NB} | js-csp poll(c) (1 case, sync)`, timedSync(N_NONBLOCKING, N_NONBLOCKING, jsCspPoll), { async: false })
  .add(`${NB} | effect Queue.poll (1 case)`, timedSync(N_NONBLOCKING, N_NONBLOCKING, () => Effect.runSync(effectPoll)), {
    async: false,
  });

const unsupported: Unsupported[] = [
  { name: `${U} | async-channel / @repeaterjs / effect`, reason: 'no select over channels (race() would consume from both)' },
  { name: `${NB} | baseline: naive chan`, reason: 'no non-blocking operation by construction' },
  { name: `${NB} | async-channel / @repeaterjs`, reason: 'no non-blocking receive or select with default' },
];

await bench.run();
report(bench, {
  unit: 'op',
  opsPerSample: `${N_UNCONTENDED} passes (uncontended), ${N_NONBLOCKING} selects (nonblocking)`,
  unsupported,
  note:
    'Go 1.19 here: SelectUncontended 68-79 ns/op (target for gocsp: <= 150 ns/op). Go runs it with b.RunParallel\n' +
    'on 2 cores, so its single-core cost per op is about twice the figure.',
});
