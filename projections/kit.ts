import type { DomainEvent } from '../domain/registry';
import { projectionKit } from '../engine/projections/projection';

/** defineProjection checked against the shop's events. */
export const { defineProjection } = projectionKit<DomainEvent>();
