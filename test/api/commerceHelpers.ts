// What the inventory, order and shipment route tests share: acting as a saga, and a shipping address.
import { randomUUID } from 'node:crypto';
import { handleCommand } from '../../engine/commands/commandHandler';
import { shop, type DomainCommand } from '../../domain/registry';
import type { ApiTest } from './apiHarness';

/** `sagaSends` for a test file whose API `currentApi` answers once its beforeAll has run. */
export function sagaSender(currentApi: () => ApiTest) {
  /** What a saga would do: the same command handler, straight from the test. */
  return (command: DomainCommand) =>
    handleCommand(currentApi().database.pool, shop, {
      commandId: randomUUID(),
      command,
      metadata: { correlationId: 'test', causationId: 'test', actor: 'test' },
    });
}

export const address = {
  name: 'Ada',
  line1: '1 Analytical Way',
  city: 'London',
  postalCode: 'N1 1AA',
  country: 'GB',
};
