// Every hostile case hostileInput.test.ts sends, in one list.
import type { HostileCase } from './hostileCaseKit';
import { hostileCustomerBodies } from './hostileCustomerBodies';
import { hostileCustomerPathsAndQueries } from './hostileCustomerPathsAndQueries';
import { hostileOtherRoutes } from './hostileOtherRoutes';

export type { HostileCase };

export const hostileCases: HostileCase[] = [
  ...hostileCustomerBodies,
  ...hostileCustomerPathsAndQueries,
  ...hostileOtherRoutes,
];
