import { windowedPagesPatch } from '../engine/bulk';
import { localCommandsPatch, localReadsPatch } from '../engine/saga';

// Every patch marker (Temporal `patched()`) a running saga may still depend on, in one list. A marker
// keeps a saga that started before a change replaying the code it started with; it can go (with the old
// branch and the histories under test/histories recorded before it) once no run that started before it
// is open: check with `temporal workflow list --query "WorkflowType='<type>' AND StartTime < '<date>'"`.

/** The order saga reads its order and customer through regular activities before this, locally after. */
export const orderReadsLocalPatch = 'order-reads-local';
/** The order saga reads through the engine's `load()` (loadAggregateState) instead of its own activities. */
export const orderReadsThroughLoadPatch = 'order-reads-through-load';
/** The order saga ships the reserved stock (ShipStock per line) once the shipment is dispatched. */
export const shipStockOnDispatchPatch = 'ship-stock-on-dispatch';

export interface PatchMarker {
  marker: string;
  /** The workflow types that call `patched()` with it. */
  sagas: readonly string[];
  /** Replay fixtures that take the old branch: they go with the marker. */
  oldHistories: string;
  /** When the marker and its old branch can be removed. */
  removableWhen: string;
}

const noneOpenSince = (change: string) => `no run started before ${change} is still open`;

export const patchMarkers: readonly PatchMarker[] = [
  {
    marker: localCommandsPatch,
    sagas: ['orderFulfillment', 'linkChannels'],
    oldHistories: 'test/histories/*-regular-activities.json',
    removableWhen: noneOpenSince('commands ran as local activities'),
  },
  {
    marker: localReadsPatch,
    sagas: ['orderFulfillment', 'linkChannels'],
    oldHistories: 'test/histories/linkChannels-*-regular-activities.json',
    removableWhen: noneOpenSince('load() ran as a local activity'),
  },
  {
    marker: orderReadsLocalPatch,
    sagas: ['orderFulfillment'],
    oldHistories: 'test/histories/orderFulfillment-*-regular-activities.json',
    removableWhen: `${noneOpenSince('the order reads ran locally')}; together with ${orderReadsThroughLoadPatch}`,
  },
  {
    marker: orderReadsThroughLoadPatch,
    sagas: ['orderFulfillment'],
    oldHistories:
      'test/histories/orderFulfillment-*-own-reads.json, *-regular-activities.json, *-before-ship-stock.json',
    removableWhen: `${noneOpenSince('the order saga read through load()')}; then activities/sagaReads.ts goes too`,
  },
  {
    marker: shipStockOnDispatchPatch,
    sagas: ['orderFulfillment'],
    oldHistories: 'test/histories/orderFulfillment-confirmed-before-ship-stock.json',
    removableWhen: noneOpenSince('ShipStock was sent on dispatch'),
  },
  {
    marker: windowedPagesPatch,
    sagas: ['bulkTask'],
    oldHistories: 'test/histories/bulkTask-*-sequential-pages.json',
    removableWhen: noneOpenSince('bulk pages ran side by side'),
  },
];
