import { CliError } from './client';

/** How every command prints: JSON for scripts (`--json`), words for people. */
export interface Output {
  json: boolean;
  /** The result: as JSON with --json, else the text `human` renders. */
  result(value: unknown, human: () => string): void;
  /** A line for people only (progress, hints): on stderr, and not at all with --json. */
  note(line: string): void;
}

export function createOutput(json: boolean): Output {
  return {
    json,
    result(value, human) {
      process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : `${human()}\n`);
    },
    note(line) {
      if (!json) process.stderr.write(`${line}\n`);
    },
  };
}

/** Prints a failure as one line (or a JSON object with --json) on stderr, and sets the exit code. */
export function reportFailure(error: unknown, json: boolean): void {
  const failure =
    error instanceof CliError
      ? error
      : new CliError((error as Error)?.message ?? String(error), 'InternalError');
  if (json) {
    const body = { error: failure.code, message: failure.message, status: failure.status ?? null };
    process.stderr.write(`${JSON.stringify(body)}\n`);
  } else {
    process.stderr.write(`procession: ${failure.message}\n`);
  }
  process.exitCode = failure.exitCode;
}

/** Aligned columns, the first row a header; nothing but spaces, so it pastes anywhere. */
export function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, index) => (widths[index] = Math.max(widths[index] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row.map((cell, index) => (index === row.length - 1 ? cell : cell.padEnd(widths[index]!))).join('  '),
    )
    .join('\n');
}

/** A value as indented `key: value` lines, nested objects one level deeper. */
export function indented(value: unknown, depth = 1): string {
  const pad = '  '.repeat(depth);
  if (value === null || typeof value !== 'object') return `${pad}${JSON.stringify(value)}`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return `${pad}(empty)`;
  return entries
    .map(([key, inner]) =>
      inner !== null && typeof inner === 'object' && !Array.isArray(inner) && Object.keys(inner).length > 0
        ? `${pad}${key}:\n${indented(inner, depth + 1)}`
        : `${pad}${key}: ${Array.isArray(inner) && inner.every((item) => typeof item !== 'object') ? inner.join(', ') || '(none)' : JSON.stringify(inner)}`,
    )
    .join('\n');
}
