// @ts-check
// What one event changed in its stream's state, key by key, and the table that shows it.
import { element, json, table } from './dom.js';

/**
 * Every leaf of a state by its path (`lines[0].sku`), as JSON text so values compare by content.
 * @param {unknown} value
 * @param {string} path
 * @param {Map<string, string>} into
 */
function leaves(value, path, into) {
  const isObject = typeof value === 'object' && value !== null;
  const entries = isObject ? Object.entries(value) : [];
  if (!isObject || entries.length === 0) {
    into.set(path || '(state)', json(value));
    return into;
  }
  for (const [key, child] of entries) {
    const childPath = Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key;
    leaves(child, childPath, into);
  }
  return into;
}

/**
 * What an event changed: each path added, changed or removed between the state before and after it.
 * @param {unknown} before undefined before a stream's first event
 * @param {unknown} after
 */
export function stateDiff(before, after) {
  const old = before === undefined ? new Map() : leaves(before, '', new Map());
  const now = leaves(after, '', new Map());
  /** @type {Array<{ path: string; change: 'added' | 'changed' | 'removed'; before?: string; after?: string }>} */
  const changes = [];
  for (const [path, value] of now) {
    if (!old.has(path)) changes.push({ path, change: 'added', after: value });
    else if (old.get(path) !== value)
      changes.push({ path, change: 'changed', before: old.get(path), after: value });
  }
  for (const [path, value] of old)
    if (!now.has(path)) changes.push({ path, change: 'removed', before: value });
  return changes;
}

/** @param {ReturnType<typeof stateDiff>} changes */
export function diffTable(changes) {
  if (changes.length === 0) return element('p', {}, 'This event changed nothing in the state.');
  return table(
    { class: 'diff' },
    'Keys the event added, changed or removed',
    ['key', 'change', 'before', 'after'],
    changes.map((change) =>
      element(
        'tr',
        { class: `change-${change.change}` },
        element('th', { scope: 'row' }, element('code', {}, change.path)),
        element('td', {}, change.change),
        element('td', {}, change.before === undefined ? '' : element('code', {}, change.before)),
        element('td', {}, change.after === undefined ? '' : element('code', {}, change.after)),
      ),
    ),
  );
}
