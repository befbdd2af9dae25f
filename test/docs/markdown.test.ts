import fs from 'node:fs';
import path from 'node:path';

// README.md and docs/ as a reader meets them: every code fence closed, and every repository path they
// name in backticks or links present in the repository.
const root = path.join(__dirname, '..', '..');
const pages = [
  'README.md',
  ...fs
    .readdirSync(path.join(root, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
];

/** Fences opened and never closed: the rest of the page would render as one code block. */
export function unclosedFences(text: string): string[] {
  let open: { marker: string; line: number } | undefined;
  text.split('\n').forEach((line, index) => {
    const fence = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(line);
    if (!fence) return;
    const marker = fence[1]!;
    if (!open) open = { marker, line: index + 1 };
    else if (marker[0] === open.marker[0] && marker.length >= open.marker.length && fence[2]!.trim() === '')
      open = undefined;
  });
  return open ? [`a ${open.marker} fence opened on line ${open.line} is never closed`] : [];
}

const topLevel = fs.readdirSync(root).filter((name) => !name.startsWith('.') && name !== 'node_modules');
const generated = ['data/']; // made at run time (git-ignored), named so people can find them

/** Repository paths a page names (in backticks or as link targets) that do not exist. */
export function missingPaths(page: string, text: string): string[] {
  const prose = text.replace(/^ {0,3}(`{3,}|~{3,})[\s\S]*?^ {0,3}\1\s*$/gm, '');
  const named = new Set<string>();
  for (const match of prose.matchAll(/`([^`\s]+)`/g)) named.add(match[1]!);
  for (const match of prose.matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g))
    if (!/^[a-z]+:/.test(match[1]!))
      named.add(path.relative(root, path.join(root, path.dirname(page), match[1]!)));
  return [...named].filter((candidate) => {
    const clean = candidate.replace(/[.,:;]$/, '');
    if (clean.startsWith('../')) return true; // outside the repository: nobody who clones it has it
    const first = clean.split('/')[0]!;
    const looksLikePath =
      clean.includes('/') && (topLevel.includes(first) || first === '.ci') && !/[<>*{}$…|]/.test(clean);
    if (!looksLikePath || generated.some((prefix) => clean.startsWith(prefix))) return false;
    return !fs.existsSync(path.join(root, clean));
  });
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to hyphens. */
const anchorOf = (heading: string) =>
  heading
    .toLowerCase()
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');

/** Links to `page#anchor` (or `#anchor`) whose page has no such heading. */
export function missingAnchors(
  page: string,
  text: string,
  read = (file: string) => fs.readFileSync(file, 'utf8'),
) {
  const prose = text.replace(/^ {0,3}(`{3,}|~{3,})[\s\S]*?^ {0,3}\1\s*$/gm, '');
  const missing: string[] = [];
  for (const match of prose.matchAll(/\]\(([^)#\s]*)#([^)\s]+)\)/g)) {
    const target = match[1] ? path.join(root, path.dirname(page), match[1]) : path.join(root, page);
    if (!target.endsWith('.md') || !fs.existsSync(target)) continue;
    const anchors = [...read(target).matchAll(/^#{1,6} (.+)$/gm)].map((heading) => anchorOf(heading[1]!));
    if (!anchors.includes(match[2]!)) missing.push(`${match[1]}#${match[2]}`);
  }
  return missing;
}

describe.each(pages)('%s', (page) => {
  const text = fs.readFileSync(path.join(root, page), 'utf8');

  test('closes every code fence it opens', () => {
    expect(unclosedFences(text)).toEqual([]);
  });

  test('names only repository paths that exist', () => {
    expect(missingPaths(page, text)).toEqual([]);
  });

  test('links only to headings that exist', () => {
    expect(missingAnchors(page, text)).toEqual([]);
  });
});

test('the checks find what they are for', () => {
  expect(unclosedFences('````\nx\n```\n## Next')).toHaveLength(1);
  expect(unclosedFences('```sh\nx\n```\n')).toEqual([]);
  expect(missingPaths('README.md', 'see `engine/nowhere.ts` and `engine/eventstore/horizon.ts`')).toEqual([
    'engine/nowhere.ts',
  ]);
  expect(missingPaths('docs/x.md', 'the [design](../../shared/DESIGN.md)')).toHaveLength(1);
  expect(anchorOf('Dry run: `?dryRun=true`')).toBe('dry-run-dryruntrue');
  expect(missingAnchors('README.md', '[a](docs/operations.md#no-such-heading)')).toEqual([
    'docs/operations.md#no-such-heading',
  ]);
});
