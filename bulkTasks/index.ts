import { disableAllCustomers } from './disableAllCustomers';
import { enableCustomers } from './enableCustomers';

/** The shop's bulk tasks: adding one is its file plus an entry here. */
export const shopBulkTasks = [disableAllCustomers, enableCustomers];
