// piscina's worker file for tasks.bench.ts: the same functions as the gocsp tasks (work.ts). Node 20 gives workers
// no TypeScript loader, so register tsx's hooks here, as gocsp's own worker entry does.
import { register } from 'tsx/esm/api';

register();
const work = await import('./work.ts');

export function add({ a, b }) {
  return work.add(a, b);
}

export function burn({ iters, seed }) {
  return work.burnLoop(iters, seed);
}
