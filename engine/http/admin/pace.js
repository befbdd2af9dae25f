// @ts-check
// The pace and start fields every request takes: items per second, pages in flight, a later start.
import { element } from '../explorer/dom.js';

/** @param {string} idPrefix */
export function paceFields(idPrefix) {
  const field = (
    /** @type {string} */ name,
    /** @type {string} */ text,
    /** @type {Record<string, string>} */ attributes,
  ) => [
    element('label', { for: `${idPrefix}-${name}` }, text),
    element('input', { id: `${idPrefix}-${name}`, name, ...attributes }),
  ];
  return [
    ...field('maxItemsPerSecond', 'items per second at most', { type: 'number', min: '0.1', step: 'any' }),
    ...field('maxPagesInFlight', 'pages in flight', { type: 'number', min: '1', max: '64', step: '1' }),
    ...field('runAt', 'start at (your time)', { type: 'datetime-local' }),
  ];
}

/**
 * The query string for what was filled in (`?maxItemsPerSecond=…&runAt=…`), empty when nothing was.
 * @param {HTMLFormElement} form
 * @param {Record<string, string>} [extra] more parameters, such as dryRun
 */
export function paceQuery(form, extra = {}) {
  const query = new URLSearchParams(extra);
  for (const name of ['maxItemsPerSecond', 'maxPagesInFlight']) {
    const input = form.elements.namedItem(name);
    if (input instanceof HTMLInputElement && input.value !== '') query.set(name, input.value);
  }
  const runAt = form.elements.namedItem('runAt');
  if (runAt instanceof HTMLInputElement && runAt.value !== '') {
    const when = new Date(runAt.value);
    query.set('runAt', Number.isNaN(when.getTime()) ? runAt.value : when.toISOString());
  }
  const text = query.toString();
  return text === '' ? '' : `?${text}`;
}
