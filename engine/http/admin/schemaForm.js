// @ts-check
// A task's parameter form, built from its JSON schema: one field per property, typed by the schema, and
// the values read back typed the same way, so the API's own validation is what answers a mistake.
import { element } from '../explorer/dom.js';

/**
 * @typedef {{ type?: string | string[], description?: string, enum?: unknown[], minLength?: number,
 *   maxLength?: number, minimum?: number, maximum?: number, anyOf?: unknown[] }} PropertySchema
 * @typedef {{ properties?: Record<string, PropertySchema>, required?: string[] }} ObjectSchema
 */

/** @param {PropertySchema} property */
const typeOf = (property) => [property.type ?? 'string'].flat()[0];

/**
 * The fields for a schema's properties: label and input pairs, inputs named by property.
 * @param {string} idPrefix unique per form, so labels point at their own inputs
 * @param {ObjectSchema} schema
 * @returns {HTMLElement[]}
 */
export function schemaFields(idPrefix, schema) {
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties ?? {}).flatMap(([name, property]) => {
    const id = `${idPrefix}-${name}`;
    const label = element('label', { for: id }, name + (required.has(name) ? ' *' : ''));
    if (property.description) label.title = property.description;
    return [label, inputFor(id, name, property, required.has(name))];
  });
}

/**
 * @param {string} id
 * @param {string} name
 * @param {PropertySchema} property
 * @param {boolean} required
 */
function inputFor(id, name, property, required) {
  const type = typeOf(property);
  if (Array.isArray(property.enum)) {
    const select = element(
      'select',
      { id, name },
      ...property.enum.map((value) => element('option', {}, String(value))),
    );
    return select;
  }
  /** @type {Record<string, string>} */
  const attributes = { id, name, 'data-type': type, spellcheck: 'false' };
  if (type === 'boolean') attributes.type = 'checkbox';
  else if (type === 'integer' || type === 'number') {
    attributes.type = 'number';
    attributes.step = type === 'integer' ? '1' : 'any';
    if (property.minimum !== undefined) attributes.min = String(property.minimum);
    if (property.maximum !== undefined) attributes.max = String(property.maximum);
  } else {
    attributes.type = 'text';
    if (property.maxLength !== undefined) attributes.maxlength = String(property.maxLength);
  }
  if (required && type !== 'boolean') attributes.required = '';
  return element('input', attributes);
}

/**
 * The form's parameter values as the schema types them; empty optional fields are left out.
 * @param {HTMLFormElement} form
 * @param {ObjectSchema} schema
 * @returns {Record<string, unknown>}
 */
export function schemaValues(form, schema) {
  /** @type {Record<string, unknown>} */
  const values = {};
  for (const [name, property] of Object.entries(schema.properties ?? {})) {
    const input = form.elements.namedItem(name);
    if (input instanceof HTMLSelectElement) values[name] = input.value;
    if (!(input instanceof HTMLInputElement)) continue;
    const type = typeOf(property);
    if (type === 'boolean') values[name] = input.checked;
    else if (input.value === '') continue;
    else values[name] = type === 'integer' || type === 'number' ? Number(input.value) : input.value;
  }
  return values;
}
