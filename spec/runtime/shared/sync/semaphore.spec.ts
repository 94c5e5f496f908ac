/** SharedSemaphore on one thread: the same behaviour and panics as Semaphore (spec/runtime/sync/suites/semaphore.ts). */
import { SharedSemaphore } from '../../../../runtime/index.js';
import { semaphoreSuite } from '../../sync/suites/semaphore.js';

semaphoreSuite('SharedSemaphore on one thread', (n) => new SharedSemaphore(n), 'SharedSemaphore');
