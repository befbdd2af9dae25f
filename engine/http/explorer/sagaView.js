// @ts-check
// One saga: its status and times, the activities its history ran and the progress it reports.
import { getJson, segment } from './api.js';
import { detail, element, json, present, table, temporalUiLink, timeElement, webAddress } from './dom.js';
import { page } from './page.js';

// The shapes the page reads are the API's wire contract, as JSON delivers them (times as strings).
/** @typedef {import('../contract').AsJson<import('../contract').SagaView>} SagaView */

/** @param {NonNullable<SagaView['activities']>} activities */
function activityTable(activities) {
  return table(
    {},
    'What the saga ran, in order, as its history tells it',
    ['step', 'command', 'status', 'failure'],
    activities.map((activity) =>
      element(
        'tr',
        {},
        element('th', { scope: 'row' }, activity.step ?? activity.activityType),
        element('td', {}, (activity.commandType ?? '') + (activity.compensation ? ' (undo)' : '')),
        element('td', {}, activity.status),
        element('td', {}, activity.failure ?? ''),
      ),
    ),
  );
}

/** @param {string} workflowId */
export async function showSaga(workflowId) {
  const saga = /** @type {SagaView} */ (await getJson(`sagas/${segment(workflowId)}`));
  const ui = webAddress(saga.uiUrl);
  page.detailHeading.textContent = `Saga ${saga.workflowType}`;
  page.detailBody.replaceChildren(
    ...present(
      element(
        'dl',
        {},
        detail('workflow', saga.workflowId),
        detail('status', saga.status),
        detail('started', timeElement(saga.startTime)),
        detail('closed', saga.closeTime ? timeElement(saga.closeTime) : 'still running'),
      ),
      ui ? element('p', {}, temporalUiLink(ui)) : null,
      element('h3', {}, 'Activities'),
      saga.activities === null
        ? element('p', {}, 'Its history could not be read in time.')
        : activityTable(saga.activities ?? []),
      element('h3', {}, 'Progress'),
      element('pre', {}, json(saga.progress)),
    ),
  );
  page.detail.hidden = false;
}
