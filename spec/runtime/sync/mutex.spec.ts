import { Mutex } from '../../../runtime/index.js';
import { mutexSuite } from './suites/mutex.js';

mutexSuite('Mutex', () => new Mutex());
