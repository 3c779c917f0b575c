import { readdirSync, readFileSync } from 'node:fs';

import { describe, expect, it } from 'vitest';

const githubDir = new URL('../../.github/', import.meta.url);
const workflowNames = readdirSync(new URL('workflows/', githubDir)).filter((name) =>
  name.endsWith('.yml'),
);
const workflows = workflowNames.map(
  (name) => [name, readFileSync(new URL(`workflows/${name}`, githubDir), 'utf8')] as const,
);

describe('GitHub workflows', () => {
  it('include ci.yml and deploy.yml', () => {
    expect(workflowNames).toEqual(expect.arrayContaining(['ci.yml', 'deploy.yml']));
  });

  it.each(workflows)('%s pins every action to a full commit SHA', (_name, text) => {
    const uses = [...text.matchAll(/^\s*(?:-\s*)?uses:\s*(\S+)/gm)].map((match) => match[1] ?? '');
    expect(uses.length).toBeGreaterThan(0);
    for (const action of uses) {
      expect(action).toMatch(/^[\w.-]+\/[\w./-]+@[0-9a-f]{40}$/);
    }
  });

  it.each(workflows)('%s defaults to read-only contents permission', (_name, text) => {
    expect(text).toMatch(/^permissions:\n {2}contents: read\n/m);
    expect(text).not.toMatch(/write-all|contents: write/);
  });

  it('deploys with OIDC federation and no stored secret', () => {
    const deploy = readFileSync(new URL('workflows/deploy.yml', githubDir), 'utf8');
    expect(deploy).not.toMatch(/secrets\./);
    expect(deploy).not.toMatch(/client-secret|creds:/);
    expect(deploy).toMatch(/id-token: write/);
    expect(deploy).toMatch(/--what-if/);
    expect(deploy).toMatch(/environment: prod\n/);
  });

  it('runs every required CI gate', () => {
    const ci = readFileSync(new URL('workflows/ci.yml', githubDir), 'utf8');
    for (const gate of [
      'npm ci',
      'npm run lint',
      'npm run typecheck',
      'npm test',
      'npm audit --audit-level=high',
      'npm audit signatures',
      'cli.js lockfile',
      'cli.js licences',
      'npm sbom --sbom-format cyclonedx',
      'az bicep build',
      'az bicep lint',
      'github/codeql-action/analyze',
      'npm run infra:check',
    ]) {
      expect(ci).toContain(gate);
    }
  });

  it('has Dependabot for npm and GitHub Actions', () => {
    const dependabot = readFileSync(new URL('dependabot.yml', githubDir), 'utf8');
    expect(dependabot).toMatch(/package-ecosystem: npm/);
    expect(dependabot).toMatch(/package-ecosystem: github-actions/);
  });
});
