import { customersProjection } from './customers/customersProjection';

/** The shop's read models: adding one is its folder (definition + migrations) plus an entry here. */
export const shopProjections = [customersProjection];
