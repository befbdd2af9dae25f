/**
 * Shared JSON schema fragments. Plain JSON schema (not TypeBox): typebox 1.x ships ES modules only, which
 * jest cannot load from this CommonJS project on Node 20.
 *
 * The validator runs without type coercion and without removing unknown properties (see app.ts), so
 * numbers in the query string are declared as digit strings and parsed by the handler.
 */

const patternDescriptions = new Map<string, string>();

/** A pattern plus the words a 400 uses for it, because "must match pattern ^(?:…)$" helps nobody. */
export function describedPattern(pattern: string, description: string): string {
  patternDescriptions.set(pattern, description);
  return pattern;
}

export function describePattern(pattern: string): string | undefined {
  return patternDescriptions.get(pattern);
}

export const idPattern = describedPattern(
  '^[A-Za-z0-9_.:-]{1,100}$',
  'must be 1 to 100 characters, each a letter, digit, or one of _ . : -',
);

/** Workflow ids are `<saga>:<aggregate id>`, and stream ids `<type>-<aggregate id>`: a little longer. */
export const longId = {
  type: 'string',
  pattern: describedPattern(
    '^[A-Za-z0-9_.:-]{1,200}$',
    'must be 1 to 200 characters, each a letter, digit, or one of _ . : -',
  ),
} as const;

const nonBlankPattern = describedPattern('\\S', 'must contain a non-space character');

export const id = { type: 'string', pattern: idPattern } as const;

/** A non-empty human text: some non-space character, bounded length. */
export function text(maxLength: number) {
  return { type: 'string', minLength: 1, maxLength, pattern: nonBlankPattern } as const;
}

/** A positive integer in the query string, e.g. ?upToVersion=3. */
export const positiveIntegerString = {
  type: 'string',
  pattern: describedPattern('^[1-9][0-9]{0,8}$', 'must be a whole number from 1 to 999999999'),
} as const;

export const pageLimitString = {
  type: 'string',
  pattern: describedPattern('^(?:[1-9][0-9]?|[1-4][0-9]{2}|500)$', 'must be a whole number from 1 to 500'),
} as const;

export const countryCode = {
  type: 'string',
  pattern: describedPattern('^[A-Z]{2}$', 'must be a two-letter ISO 3166-1 country code in upper case'),
} as const;

export function strictObject(properties: Record<string, unknown>, required: readonly string[]) {
  return { type: 'object', additionalProperties: false, properties, required } as const;
}

export const idParams = (name: string) => strictObject({ [name]: id }, [name]);

export const dateTime = { type: 'string', format: 'date-time' } as const;
export const nullableString = { type: ['string', 'null'] } as const;

export const errorBody = {
  type: 'object',
  properties: { error: { type: 'string' }, message: { type: 'string' }, details: {} },
  required: ['error', 'message'],
} as const;

/** Error replies go through the serializer too; every route declares their shape. */
export const errorResponses = { '4xx': errorBody, '5xx': errorBody } as const;

export const uiLink = nullableString;

/**
 * The global position of a command's last event (bigint, a decimal string); null when its stream has none.
 * Pass it back as `?minPosition=` to a read model to read your own write.
 */
export const logPosition = { type: ['string', 'null'], pattern: '^[0-9]+$' } as const;
