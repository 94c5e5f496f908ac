// Entry of the plain worker threads of the parallel benches (the message-passing peers, with no gocsp runtime in
// them). Node 20 gives workers no TypeScript loader, so register tsx's hooks, then load the TypeScript module named
// in workerData.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(new URL(workerData.module, import.meta.url).href);
