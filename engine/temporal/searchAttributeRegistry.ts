import type { Connection } from '@temporalio/client';
import { encodeSearchAttributeIndexedValueType } from '@temporalio/common/lib/search-attributes';
import { processionSearchAttributes } from '../saga/searchAttributes';

/**
 * Adds Procession's search attributes to a namespace that lacks them; a second call changes nothing.
 * Used against clusters we did not start (the dev server gets them as start flags).
 */
export async function ensureSearchAttributes(connection: Connection, namespace: string): Promise<string[]> {
  const existing = await connection.operatorService.listSearchAttributes({ namespace });
  const known = new Set([
    ...Object.keys(existing.customAttributes ?? {}),
    ...Object.keys(existing.systemAttributes ?? {}),
  ]);
  const missing = processionSearchAttributes.filter((key) => !known.has(key.name));
  if (missing.length === 0) return [];
  const searchAttributes = Object.fromEntries(
    missing.map((key) => [key.name, encodeSearchAttributeIndexedValueType(key.type)!]),
  );
  try {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes });
  } catch (error) {
    throw new Error(
      `Could not register search attributes ${missing.map((k) => k.name).join(', ')} in namespace ` +
        `"${namespace}": ${String(error)}. On Temporal Cloud add them in the namespace settings ` +
        `(or with tcld); they are ${missing.map((k) => `${k.name}:${k.type}`).join(', ')}.`,
    );
  }
  return missing.map((key) => key.name);
}
