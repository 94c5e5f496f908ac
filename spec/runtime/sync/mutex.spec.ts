import { Mutex } from '../../../runtime/sync/mutex.js';
import { mutexSuite } from './suites/mutex.js';

mutexSuite('Mutex', () => new Mutex());
