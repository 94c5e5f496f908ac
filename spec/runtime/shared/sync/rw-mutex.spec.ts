/** SharedRWMutex on one thread: the same behaviour and panics as RWMutex (spec/runtime/sync/suites/rw-mutex.ts). */
import { SharedRWMutex } from '../../../../runtime/index.js';
import { rwMutexSuite } from '../../sync/suites/rw-mutex.js';

rwMutexSuite('SharedRWMutex on one thread', () => new SharedRWMutex());
