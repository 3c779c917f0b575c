import type { RuleReport } from './check-templates.js';

/** Renders the rule table: rule, resources checked, pass/fail. */
export function renderTable(reports: readonly RuleReport[]): string {
  const rows = reports.map((report) => [
    report.rule.id,
    String(report.checked),
    report.findings.length === 0 ? 'pass' : `FAIL (${report.findings.length})`,
  ]);
  const header = ['rule', 'resources checked', 'result'];
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)),
  );
  const line = (cells: readonly string[]): string =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`;
  const divider = `|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`;
  return [line(header), divider, ...rows.map(line)].join('\n');
}
