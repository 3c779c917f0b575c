import { checkProject, listTemplateFiles, loadProject } from './check-templates.js';
import { renderTable } from './render-table.js';
import { formatFinding } from './rule.js';

function main(): number {
  const folders = process.argv.length > 2 ? process.argv.slice(2) : ['bicep', 'infra'];
  const paths = listTemplateFiles(process.cwd(), folders);
  const reports = checkProject(loadProject(process.cwd(), paths));
  process.stdout.write(`Policy checks over ${paths.length} files in ${folders.join(', ')}\n\n`);
  process.stdout.write(`${renderTable(reports)}\n`);
  const findings = reports.flatMap((report) => report.findings);
  for (const finding of findings) {
    process.stderr.write(`${formatFinding(finding)}\n`);
  }
  return findings.length === 0 ? 0 : 1;
}

process.exitCode = main();
