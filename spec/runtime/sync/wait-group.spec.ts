import { WaitGroup } from '../../../runtime/sync/wait-group.js';
import { waitGroupSuite } from './suites/wait-group.js';

waitGroupSuite('WaitGroup', () => new WaitGroup(), 'WaitGroup');
