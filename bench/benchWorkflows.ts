// The sagas plus one baseline workflow: a single command through the same activity, so the bench can
// say what a saga costs in units of "one Temporal round trip with one command".
import { dispatch } from '../engine/saga/commands';

export * from '../workflows';

export async function oneCommand(sku: string): Promise<void> {
  await dispatch('receive', { type: 'ReceiveStock', data: { sku, quantity: 1 } }, `bench-${sku}`);
}
