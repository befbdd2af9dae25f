// @ts-check
// Stream playback: a stream's state at one version, what that version's event changed, and the way to
// step through its other versions.
import { getJson, segment } from './api.js';
import { element, json, present, timeElement, viewLink } from './dom.js';
import { page } from './page.js';
import { diffTable, stateDiff } from './stateDiff.js';

// The shapes the page reads are the API's wire contract, as JSON delivers them (times as strings).
/** @typedef {import('../contract').AsJson<import('../contract').StreamView>} Stream */
/** @typedef {Stream['events'][number]} StoredEvent */

/**
 * The stream's versions as links, the one shown marked as the current page.
 * @param {Stream} whole
 * @param {number} version
 * @param {(version: number) => string} versionLink
 */
function versionList(whole, version, versionLink) {
  return element(
    'ol',
    { class: 'versions' },
    ...whole.events.map((each) => {
      const label = `version ${each.streamVersion}: ${each.type}`;
      return element(
        'li',
        {},
        each.streamVersion === version
          ? element('a', { href: versionLink(each.streamVersion), 'aria-current': 'page' }, label)
          : element('a', { href: versionLink(each.streamVersion) }, label),
      );
    }),
  );
}

/** @param {StoredEvent} event */
function eventData(event) {
  return element(
    'details',
    {},
    element('summary', {}, `The ${event.type} event's data`),
    element(
      'p',
      {},
      'Recorded ',
      timeElement(event.recordedAt),
      ` at global position ${event.globalPosition}.`,
      event.storedAs
        ? ` Stored as ${event.storedAs.type} schema version ${event.storedAs.schemaVersion}; shown as ${event.type} version ${event.schemaVersion}, the shape readers see.`
        : ` Schema version ${event.schemaVersion}.`,
    ),
    element('pre', {}, json(event.data)),
  );
}

/**
 * @param {string} streamId
 * @param {number} version
 * @param {string | undefined} correlationId
 */
export async function showPlayback(streamId, version, correlationId) {
  const path = `streams/${segment(streamId)}`;
  /** @type {[Stream, Stream, Stream | undefined]} */
  const [whole, at, before] = await Promise.all([
    getJson(path),
    getJson(`${path}?upToVersion=${version}`),
    version > 1 ? getJson(`${path}?upToVersion=${version - 1}`) : Promise.resolve(undefined),
  ]);
  const event = whole.events.find((each) => each.streamVersion === version);
  /** @param {number} v */
  const versionLink = (v) =>
    viewLink({ ...(correlationId ? { trace: correlationId } : {}), stream: streamId, version: String(v) });
  page.detailHeading.textContent = `Playback of ${streamId}`;
  page.detailBody.replaceChildren(
    ...present(
      element('p', {}, `Version ${at.version} of ${whole.version}.`),
      element('nav', { 'aria-label': `Versions of ${streamId}` }, versionList(whole, version, versionLink)),
      element(
        'h3',
        {},
        event ? `What version ${version} (${event.type}) changed` : `What version ${version} changed`,
      ),
      version === 1 ? element('p', {}, 'The first event: every key of the state is new.') : null,
      diffTable(stateDiff(before?.state, at.state)),
      event ? eventData(event) : null,
      element('h3', {}, `State at version ${at.version}`),
      element(
        'pre',
        { class: 'state', 'aria-label': `State of ${streamId} at version ${at.version}` },
        json(at.state),
      ),
    ),
  );
  page.detail.hidden = false;
}
