/** SharedWaitGroup on one thread: the same behaviour and panics as WaitGroup (spec/runtime/sync/suites/wait-group.ts). */
import { SharedWaitGroup } from '../../../../runtime/index.js';
import { waitGroupSuite } from '../../sync/suites/wait-group.js';

waitGroupSuite('SharedWaitGroup on one thread', () => new SharedWaitGroup(), 'SharedWaitGroup');
