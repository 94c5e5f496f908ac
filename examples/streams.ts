/**
 * streams: channels meet Node streams and async iterables.
 *
 * 1. A CSV Readable (a file would be `createReadStream(path)`; here it is generated, in 10-byte chunks that cut lines
 *    in half) is read through a channel (fromReadable), split into lines by a goroutine, priced by three worker
 *    goroutines, and written to a slow Writable with backpressure (toWritable waits for 'drain'). An errgroup ties
 *    them: the first failure cancels the context that every stage watches.
 * 2. A source that throws: `for await` throws its error (the Node way); a recvOk loop ends and err() tells why (the
 *    Go way, bufio.Scanner.Err()).
 * 3. A consumer that stops early: stop() returns the source (its finally runs).
 * 4. A Pipeline whose source is a Readable.
 *
 * Run: npx tsx examples/streams.ts
 */
import { Readable, Writable } from 'node:stream';
import {
  background,
  chan,
  fromAsyncIterable,
  fromReadable,
  gosched,
  main,
  recvCase,
  select,
  sendCase,
  toWritable,
  withContext,
  type Context,
  type RecvChan,
  type SendChan,
} from '../runtime/index.js';
import { Pipeline } from '../patterns/index.js';

const CSV = 'id,qty,unit\n1,3,2.50\n2,1,19.99\n3,12,0.25\n4,2,7.00\n5,5,1.10\n6,4,3.75\n';

/** chunks cuts `text` into pieces of `size` characters, as a file read in small blocks would. */
function* chunks(text: string, size: number): Generator<string> {
  for (let at = 0; at < text.length; at += size) yield text.slice(at, at + size);
}

/** emit sends `v` unless ctx is done first (Go's `select { case out <- v: case <-ctx.Done(): }`); false if done. */
function emit<T>(ctx: Context, out: SendChan<T>, v: T): Promise<boolean> {
  return select([sendCase(out, v, () => true), recvCase(ctx.done(), () => false)]);
}

/** splitLines receives chunks of text and sends whole lines (without the header); it closes `out` when done. */
async function splitLines(ctx: Context, src: RecvChan<Buffer>, out: SendChan<string>): Promise<void> {
  try {
    let rest = '';
    let header = true;
    // Throws the stream's error, if any, after the last chunk: the errgroup then cancels the others.
    for await (const chunk of src) {
      const parts = (rest + chunk.toString()).split('\n');
      rest = parts.pop()!;
      for (const line of parts) {
        if (header) header = false;
        else if (!(await emit(ctx, out, line))) return;
      }
    }
  } finally {
    out.close();
  }
}

/** price is one worker: it prices each line until `lines` is closed or ctx is done. */
async function price(ctx: Context, lines: RecvChan<string>, out: SendChan<string>): Promise<void> {
  for await (const line of lines) {
    const [id, qty, unit] = line.split(',');
    if (!(await emit(ctx, out, `order ${id}: ${qty} x ${unit} = ${(Number(qty) * Number(unit)).toFixed(2)}\n`))) return;
  }
}

main(async () => {
  // 1. Readable -> channel -> line splitter -> 3 workers -> channel -> Writable, with backpressure all along.
  let written = '';
  let drains = 0;
  const report = new Writable({
    highWaterMark: 32, // bytes: a couple of lines fill it, so write() returns false and toWritable waits
    write(chunk: Buffer, _enc, cb) {
      written += chunk.toString();
      setImmediate(cb); // a slow device
    },
  });
  report.on('drain', () => drains++);

  const [g, ctx] = withContext(background());
  const csv = fromReadable<Buffer>(Readable.from(chunks(CSV, 10), { objectMode: false }), 2, { ctx });
  const lines = chan<string>(4);
  const priced = chan<string>(4);
  void g.go(() => splitLines(ctx, csv, lines));
  let workers = 3;
  for (let i = 0; i < 3; i++) {
    void g.go(async () => {
      try {
        await price(ctx, lines, priced);
      } finally {
        if (--workers === 0) priced.close();
      }
    });
  }
  void g.go(() => toWritable(priced, report, { ctx }));
  await g.wait();
  console.log(written.trimEnd().split('\n').sort().join('\n'));
  console.log(`writer waited for 'drain': ${drains > 0}; report finished: ${report.writableFinished}`);

  // 2. A source that fails.
  async function* sensor(): AsyncGenerator<number> {
    yield 20.5;
    yield 21;
    throw new Error('sensor offline');
  }
  try {
    for await (const t of fromAsyncIterable(sensor(), 1)) console.log(`reading ${t}`);
  } catch (e) {
    console.log(`for await threw: ${(e as Error).message}`);
  }
  const readings = fromAsyncIterable(sensor(), 1);
  let n = 0;
  for (let r = await readings.recvOk(); r.ok; r = await readings.recvOk()) n++;
  console.log(`recvOk loop: ${n} readings, then err(): ${(readings.err() as Error).message}`);

  // 3. Stopping early releases the source.
  async function* ticks(): AsyncGenerator<number> {
    try {
      for (let i = 1; ; i++) yield i;
    } finally {
      console.log('ticks: source returned');
    }
  }
  const t = fromAsyncIterable(ticks());
  const took = [await t.recv(), await t.recv(), await t.recv()];
  t.stop();
  console.log(`took ${took.join(', ')}, then stop(): err() is ${t.err()}`);
  await gosched();

  // 4. A Pipeline reading a Readable.
  const words = Readable.from(['gopher', 'channel', 'select', 'stream']);
  const measure = new Pipeline<string>().addStage('measure', async (w) => `${w}=${w.length}`, { concurrency: 2 });
  const measured: string[] = [];
  for await (const m of measure.processStream(words)) measured.push(m);
  console.log(`pipeline over a Readable: ${measured.join(' ')}`);
});

// Output:
// order 1: 3 x 2.50 = 7.50
// order 2: 1 x 19.99 = 19.99
// order 3: 12 x 0.25 = 3.00
// order 4: 2 x 7.00 = 14.00
// order 5: 5 x 1.10 = 5.50
// order 6: 4 x 3.75 = 15.00
// writer waited for 'drain': true; report finished: true
// reading 20.5
// reading 21
// for await threw: sensor offline
// recvOk loop: 2 readings, then err(): sensor offline
// took 1, 2, 3, then stop(): err() is null
// ticks: source returned
// pipeline over a Readable: gopher=6 channel=7 select=6 stream=6
