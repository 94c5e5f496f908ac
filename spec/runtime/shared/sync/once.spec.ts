/** SharedOnce on one thread: the same behaviour and panics as Once (spec/runtime/sync/suites/once.ts). */
import { SharedOnce } from '../../../../runtime/index.js';
import { onceSuite } from '../../sync/suites/once.js';

onceSuite('SharedOnce on one thread', () => new SharedOnce(), 'SharedOnce');
