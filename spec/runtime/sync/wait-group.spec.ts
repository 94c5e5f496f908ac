import { WaitGroup } from '../../../runtime/index.js';
import { waitGroupSuite } from './suites/wait-group.js';

waitGroupSuite('WaitGroup', () => new WaitGroup(), 'WaitGroup');
