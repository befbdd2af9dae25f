import { Counter } from 'prom-client';
import { processRegistry } from './processRegistry';

const eventsApplied = new Counter({
  name: 'procession_projection_events_applied_total',
  help: 'Events this process applied to a read model and committed with its checkpoint, by projection',
  labelNames: ['projection'] as const,
  registers: [processRegistry],
});

export function countProjected(projection: string, events: number): void {
  if (events > 0) eventsApplied.inc({ projection }, events);
}
