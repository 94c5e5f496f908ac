/** Task module of examples/shared-pipeline.ts: the pipeline's stages that run on worker threads. */
import { task, type RecvChan, type SendChan } from '../../runtime/index.js';

/** generate sends 1..n, then closes `out`. */
export const generate = task(import.meta.url, async function generate(n: number, out: SendChan<number>): Promise<void> {
  for (let i = 1; i <= n; i++) await out.send(i);
  out.close();
});

/** square sends the square of every value of `src` to `out`, and closes `out` when `src` is closed. */
export const square = task(
  import.meta.url,
  async function square(src: RecvChan<number>, out: SendChan<number>): Promise<void> {
    for await (const v of src) await out.send(v * v);
    out.close();
  },
);
