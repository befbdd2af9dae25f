// @ts-check
// DOM helpers of the causation explorer. They keep its security rule: everything from the API reaches the
// page as text nodes or checked attribute values, never as markup, and only web addresses become links.

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @param {new () => T} type
 * @returns {T}
 */
export function byId(id, type) {
  const element = document.getElementById(id);
  if (!(element instanceof type)) throw new Error(`The page has no ${type.name} #${id}`);
  return element;
}

/**
 * An element with text children; attributes are set one by one, so no value is ever parsed as markup.
 * @param {string} tag
 * @param {Record<string, string>} [attributes]
 * @param {Array<Node | string | null | undefined>} children
 * @returns {HTMLElement}
 */
export function element(tag, attributes = {}, ...children) {
  const created = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) created.setAttribute(name, value);
  for (const child of children) if (child !== null && child !== undefined) created.append(child);
  return created;
}

/**
 * The nodes that are there: views leave out the parts that do not apply as null.
 * @param {Array<Node | string | null>} nodes
 * @returns {Array<Node | string>}
 */
export const present = (...nodes) => nodes.flatMap((node) => (node === null ? [] : [node]));

/** Only web addresses become links: a `javascript:` URL from the data must not run on a click. */
export const webAddress = (/** @type {string | null | undefined} */ url) => {
  if (!url) return null;
  try {
    const parsed = new URL(url, location.href);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
};

/**
 * A link to another view of this page.
 * @param {Record<string, string>} view
 */
export const viewLink = (view) => `#${new URLSearchParams(view)}`;

/** @param {string} time an ISO time */
export function timeElement(time) {
  const date = new Date(time);
  const shown = Number.isNaN(date.getTime())
    ? time
    : `${date.toISOString().slice(0, 10)} ${date.toISOString().slice(11, 23)} UTC`;
  return element('time', { datetime: time }, shown);
}

export const json = (/** @type {unknown} */ value) => JSON.stringify(value, null, 2) ?? 'undefined';

/**
 * One term of a description list, grouped in a div so the pair wraps as one.
 * @param {string} label
 * @param {Node | string} value
 */
export const detail = (label, value) =>
  element('div', {}, element('dt', {}, label), element('dd', {}, value));

/**
 * A link to the Temporal Web UI, in a new tab that cannot reach back to this one.
 * @param {string} ui an address `webAddress` accepted
 */
export const temporalUiLink = (ui) =>
  element('a', { href: ui, target: '_blank', rel: 'noopener noreferrer' }, 'Open in Temporal Web UI');

/**
 * A table with a caption, a row of column headings and the rows given.
 * @param {Record<string, string>} attributes
 * @param {string} caption
 * @param {string[]} columns
 * @param {HTMLElement[]} rows
 */
export const table = (attributes, caption, columns, rows) =>
  element(
    'table',
    attributes,
    element('caption', {}, caption),
    element('thead', {}, element('tr', {}, ...columns.map((name) => element('th', { scope: 'col' }, name)))),
    element('tbody', {}, ...rows),
  );
