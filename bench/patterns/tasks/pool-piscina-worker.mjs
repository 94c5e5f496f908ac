// piscina's worker file for worker-pool.bench.ts: the same functions as the gocsp tasks (pool-work.ts). Node 20
// gives workers no TypeScript loader, so register tsx's hooks here, as gocsp's own worker entry does.
import { register } from 'tsx/esm/api';

register();
const work = await import('./pool-work.ts');

export function addOne(a) {
  return work.addOne(a);
}

export function burn(seed) {
  return work.burnLoop(work.BURN_ITERS, seed);
}
