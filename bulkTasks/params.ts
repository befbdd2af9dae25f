import { Type } from 'typebox';

/** A human reason, as every command that records one takes it: some non-space character, bounded. */
export const reasonText = Type.String({ minLength: 1, maxLength: 500, pattern: '\\S' });
