/**
 * Shared schema fragments, in TypeBox: each is a plain JSON schema at run time (fastify's ajv validates
 * and serializes with it, @fastify/swagger documents it) and the TypeScript type of what it accepts at
 * compile time (through the TypeBox type provider, see typedApp.ts), so a route's types are its schemas.
 *
 * The validator runs without type coercion and without removing unknown properties (see app.ts), so
 * numbers in the query string are declared as digit strings and parsed by the handler.
 */
import { Type, type TProperties, type TSchema } from 'typebox';

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
export const longId = Type.String({
  pattern: describedPattern(
    '^[A-Za-z0-9_.:-]{1,200}$',
    'must be 1 to 200 characters, each a letter, digit, or one of _ . : -',
  ),
});

const nonBlankPattern = describedPattern('\\S', 'must contain a non-space character');

export const id = Type.String({ pattern: idPattern });

/** A non-empty human text: some non-space character, bounded length. */
export function text(maxLength: number) {
  return Type.String({ minLength: 1, maxLength, pattern: nonBlankPattern });
}

/** A positive integer in the query string, e.g. ?upToVersion=3. */
export const positiveIntegerString = Type.String({
  pattern: describedPattern('^[1-9][0-9]{0,8}$', 'must be a whole number from 1 to 999999999'),
});

export const pageLimitString = Type.String({
  pattern: describedPattern('^(?:[1-9][0-9]?|[1-4][0-9]{2}|500)$', 'must be a whole number from 1 to 500'),
});

export const countryCode = Type.String({
  pattern: describedPattern('^[A-Z]{2}$', 'must be a two-letter ISO 3166-1 country code in upper case'),
});

/** An object that refuses properties it does not list; optional ones are wrapped in Type.Optional. */
export function strictObject<Properties extends TProperties>(properties: Properties) {
  return Type.Object(properties, { additionalProperties: false });
}

export const idParams = <Name extends string>(name: Name) =>
  strictObject({ [name]: id } as { [Key in Name]: typeof id });

/** Handlers may answer a Date: the serializer writes it as an ISO 8601 string. */
export const dateTime = Type.Unsafe<Date | string>(Type.String({ format: 'date-time' }));
export const nullable = <Schema extends TSchema>(schema: Schema) => Type.Union([schema, Type.Null()]);
export const nullableString = nullable(Type.String());

const errorProperties = {
  error: Type.String({ description: 'A machine-readable code, e.g. ValidationFailed, CustomerNotFound' }),
  message: Type.String({ description: 'What is wrong, in words' }),
  details: Type.Optional(Type.Unknown()),
};

/** Error replies go through the serializer too; every route declares their shape. */
export const errorResponses = {
  '4xx': Type.Object(errorProperties, {
    description:
      'Refused, nothing written: invalid input (400), no or an unknown key (401), a role too low (403), ' +
      'not found (404), a business rule or a conflict (409), too large (413), rate limited (429)',
  }),
  '5xx': Type.Object(errorProperties, {
    description:
      'A dependency is down (503: PostgreSQL, Temporal, a read model behind) or an unexpected failure (500)',
  }),
} as const;

export const uiLink = nullableString;

/**
 * The global position of a command's last event (bigint, a decimal string); null when its stream has none.
 * Pass it back as `?minPosition=` to a read model to read your own write.
 */
export const logPosition = nullable(Type.String({ pattern: '^[0-9]+$' }));
