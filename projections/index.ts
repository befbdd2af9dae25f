import { customersProjection } from './customers/customersProjection';
import { groupsProjection } from './groups/groupsProjection';

/** The shop's read models: adding one is its folder (definition + migrations) plus an entry here. */
export const shopProjections = [customersProjection, groupsProjection];
