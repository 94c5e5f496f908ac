/**
 * context-cancel: stopping a tree of goroutines with a context, as Go programs do. Workers stream results until
 * the parent's deadline passes; an errgroup stops its siblings on the first failure, with the error as the cause.
 * Run: npx tsx examples/context-cancel.ts
 */
import {
  after,
  background,
  cause,
  chan,
  go,
  main,
  recvCase,
  select,
  sleep,
  WaitGroup,
  withCancel,
  withContext,
  withTimeout,
  type Context,
  type SendChan,
} from '../runtime/index.js';

/** worker sends one result every 20 ms until ctx is done. */
async function worker(ctx: Context, id: number, out: SendChan<string>, wg: WaitGroup): Promise<void> {
  try {
    for (let n = 1; ; n++) {
      const stop = await select([recvCase(ctx.done(), () => true), recvCase(after(20), () => false)]);
      if (stop) return;
      await out.send(`worker ${id}: result ${n}`);
    }
  } finally {
    wg.done();
  }
}

main(async () => {
  // 1. A deadline stops every worker; the program then waits for them to return.
  const [ctx, cancel] = withTimeout(background(), 50);
  const results = chan<string>(100);
  const wg = new WaitGroup();
  for (const id of [1, 2]) {
    wg.add(1);
    go(worker, ctx, id, results, wg);
  }
  await wg.wait();
  cancel();
  results.close();
  let count = 0;
  for await (const _ of results) count++;
  console.log(`deadline: ${ctx.err()?.message}; both workers returned (${count > 0 ? 'with' : 'without'} results)`);

  // 2. Canceling a parent cancels its children, and their AbortSignals.
  const [parent, cancelParent] = withCancel(background());
  const [child] = withTimeout(parent, 60_000);
  child.signal.addEventListener('abort', () => console.log('child signal aborted'));
  cancelParent();
  console.log(`child: ${child.err()?.message}`);

  // 3. errgroup: the first error cancels the group's context, with the error as its cause.
  const [group, gctx] = withContext(background());
  void group.go(async () => {
    await sleep(10);
    throw new Error('disk full');
  });
  void group.go(async () => {
    await select([recvCase(gctx.done())]);
    console.log(`sibling stopped: ${(cause(gctx) as Error).message}`);
  });
  try {
    await group.wait();
  } catch (e) {
    console.log(`group failed: ${(e as Error).message}`);
  }
});

// Output:
// deadline: context deadline exceeded; both workers returned (with results)
// child signal aborted
// child: context canceled
// sibling stopped: disk full
// group failed: disk full
