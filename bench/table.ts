export interface Row {
  figure: string;
  value: string;
  baseline: string;
  /** Procession ÷ baseline (a rate: higher is better; a latency: lower is better); undefined for none. */
  ratio: number | undefined;
  target: string;
}

/** Prints the figures as a Markdown table, ready for README, with when and where they were measured. */
export function printTable(
  rows: readonly Row[],
  about: { when: string; machine: string; load: string; command: string },
) {
  console.log(`\nProcession bench — ${about.when}\n${about.machine}; ${about.load}; \`${about.command}\`\n`);
  console.log('| figure | Procession | baseline (same run) | ratio | target |');
  console.log('|---|---|---|---|---|');
  for (const row of rows)
    console.log(
      `| ${row.figure} | ${row.value} | ${row.baseline} | ${row.ratio === undefined ? '' : `×${row.ratio.toFixed(2)}`} | ${row.target} |`,
    );
}
