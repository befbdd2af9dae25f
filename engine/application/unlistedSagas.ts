import fs from 'node:fs';
import path from 'node:path';
import type { SagaDefinition } from '../saga/defineSaga';

const isSaga = (value: unknown): value is SagaDefinition =>
  typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'saga';

/** Source files under a folder (one level of sub-folders, as workflows/<saga>/ are laid out). */
function sourceFiles(folder: string, depth = 2): string[] {
  return fs.readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(folder, entry.name);
    if (entry.isDirectory()) return depth > 1 ? sourceFiles(file, depth - 1) : [];
    return /\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [file] : [];
  });
}

/**
 * Fails when a file beside the workflows module defines a saga the module does not export: a saga whose
 * line in the list was forgotten would otherwise never start, silently. Only the files that call
 * defineSaga are loaded (workflow code has no side effects to fear: it runs in Temporal's sandbox too);
 * anything else in the folder (a script, the module that is defining the application right now) is left
 * alone, so the check needs no list of its own and nothing the newcomer could forget.
 */
export function failOnUnlistedSagas(workflowsPath: string, listed: readonly SagaDefinition[]): void {
  const folder = path.dirname(workflowsPath);
  const listedTypes = new Set(listed.map((saga) => saga.workflowType));
  for (const file of sourceFiles(folder)) {
    if (path.resolve(file) === path.resolve(workflowsPath)) continue;
    if (!fs.readFileSync(file, 'utf8').includes('defineSaga(')) continue;
    // Still loading: it is (or imports) the module calling us; its sagas are checked once it is listed.
    if (require.cache[require.resolve(file)]?.loaded === false) continue;
    const exported: Record<string, unknown> = require(file);
    for (const saga of Object.values(exported).filter(isSaga)) {
      if (!listedTypes.has(saga.workflowType))
        throw new Error(
          `saga '${saga.workflowType}' is defined in ${path.relative(folder, file)} but not listed in ` +
            `${path.relative(process.cwd(), workflowsPath)}: add export * from './${path
              .relative(folder, file)
              .replace(/\.(ts|js)$/, '')}';`,
        );
    }
  }
}
