import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { checkProject, listTemplateFiles, loadProject, RULES } from './check-templates.js';
import { renderTable } from './render-table.js';
import { formatFinding } from './rule.js';

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
const fixtureFolder = 'infra/policy/fixtures';

function fixturePaths(ruleId: string): string[] {
  return [`${fixtureFolder}/${ruleId}.bicep`, `${fixtureFolder}/${ruleId}.parameters.json`].filter(
    (path) => existsSync(`${repoRoot}${path}`),
  );
}

describe('policy checks of the EDS templates', () => {
  const paths = listTemplateFiles(repoRoot, ['bicep', 'infra']);
  const reports = checkProject(loadProject(repoRoot, paths));

  it('finds every module, the composition and both parameter files', () => {
    expect(paths).toContain('infra/main.bicep');
    expect(paths).toContain('infra/resources.bicep');
    expect(paths).toContain('infra/parameters/dev.parameters.json');
    expect(paths).toContain('infra/parameters/prod.parameters.json');
    expect(paths.filter((path) => path.startsWith('bicep/modules/')).length).toBeGreaterThanOrEqual(
      14,
    );
  });

  it.each(reports.map((report) => [report.rule.id, report] as const))(
    'passes %s',
    (_id, report) => {
      expect(report.findings.map(formatFinding)).toEqual([]);
      expect(report.checked).toBeGreaterThan(0);
    },
  );
});

describe('each rule fails its fixture', () => {
  it.each(RULES.map((rule) => [rule.id, rule] as const))(
    '%s reports the broken fixture',
    (ruleId, rule) => {
      const paths = fixturePaths(ruleId);
      expect(paths.length, `fixture for ${ruleId}`).toBeGreaterThan(0);
      const [report] = checkProject(loadProject(repoRoot, paths), [rule]);
      expect(report?.findings.length).toBeGreaterThan(0);
      for (const finding of report?.findings ?? []) {
        expect(finding.ruleId).toBe(ruleId);
        expect(formatFinding(finding)).toMatch(
          new RegExp(`^\\[${ruleId}\\] \\S+.* \\(${fixtureFolder}/[\\w.-]+:\\d+\\): `),
        );
      }
    },
  );

  it('names the resource and the line of the broken property', () => {
    const rule = RULES.find((candidate) => candidate.id === 'key-vault-hardened');
    const [report] = checkProject(
      loadProject(repoRoot, fixturePaths('key-vault-hardened')),
      rule ? [rule] : [],
    );
    const place = `${fixtureFolder}/key-vault-hardened.bicep:2`;
    const problem = 'properties.enableRbacAuthorization must be true (found false)';
    expect(report?.findings.map(formatFinding)).toContain(
      `[key-vault-hardened] vault (${place}): ${problem}`,
    );
  });

  it('reports a role id filed under the wrong role name', () => {
    const rule = RULES.find((candidate) => candidate.id === 'role-id-matches-name');
    const [report] = checkProject(
      loadProject(repoRoot, fixturePaths('role-id-matches-name')),
      rule ? [rule] : [],
    );
    const messages = report?.findings.map((finding) => finding.message) ?? [];
    const filedId = '12338af0-0e69-4776-bea7-57ae8d297424';
    const secretsUserId = '4633458b-17de-408a-b874-0445c86b69e6';
    expect(messages).toContain(
      `id ${filedId} is not "Key Vault Secrets User" (expected ${secretsUserId})`,
    );
    expect(messages.some((message) => message.includes('not named in a table'))).toBe(true);
  });

  it('reports a parameter-file secret with the parameter name', () => {
    const rule = RULES.find((candidate) => candidate.id === 'no-secret-literal');
    const [report] = checkProject(
      loadProject(repoRoot, fixturePaths('no-secret-literal')),
      rule ? [rule] : [],
    );
    expect(report?.findings.map((finding) => `${finding.subject}@${finding.file}`)).toContain(
      `searchApiKey@${fixtureFolder}/no-secret-literal.parameters.json`,
    );
  });
});

describe('rule table', () => {
  it('prints rule, resources checked and pass/fail for every rule', () => {
    const reports = checkProject(loadProject(repoRoot, fixturePaths('cosmos-hardened')));
    const table = renderTable(reports);
    expect(table.split('\n')[0]).toMatch(/^\| rule +\| resources checked \| result +\|$/);
    expect(table).toMatch(/\| cosmos-hardened +\| 1 +\| FAIL \(3\) +\|/);
    expect(table).toMatch(/\| parse-clean +\| 1 +\| pass +\|/);
    expect(table.split('\n')).toHaveLength(RULES.length + 2);
  });
});
