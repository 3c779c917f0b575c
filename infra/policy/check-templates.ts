import { readdirSync, readFileSync } from 'node:fs';

import { resolveInside } from '../../shared/fs/safe-path.js';
import { parseBicep } from './bicep-model.js';
import type { ParameterFile, Project, Rule, RuleResult } from './rule.js';
import {
  parseClean,
  paramDescribed,
  secureParamNoDefault,
  noListKeys,
  noSecretLiteral,
} from './rules/template-hygiene.js';
import { usRegionOnly } from './rules/region.js';
import { publicNetworkDisabled, privateEndpointAndDns } from './rules/network.js';
import { diagnosticSettings } from './rules/diagnostics.js';
import { deleteLockInProd } from './rules/locks.js';
import { roleIdMatchesName, leastPrivilegeRoles } from './rules/roles.js';
import { functionAppFlexHardened, appSettingsIdentityBased } from './rules/compute.js';
import {
  storageHardened,
  auditWormContainer,
  keyVaultHardened,
  keyVaultKeyRotation,
  sqlEntraOnlyAudited,
  postgresEntraOnlyPgaudit,
  cosmosHardened,
} from './rules/data-stores.js';
import {
  serviceBusHardened,
  webPubSubHardened,
  communicationEmailDomain,
  openAiHardened,
  openAiApprovedModels,
  monitoringHardened,
  nistInitiativeAssigned,
} from './rules/services.js';

/** Every policy rule, in the order the table prints them. */
export const RULES: readonly Rule[] = [
  parseClean,
  paramDescribed,
  secureParamNoDefault,
  noListKeys,
  noSecretLiteral,
  usRegionOnly,
  publicNetworkDisabled,
  privateEndpointAndDns,
  diagnosticSettings,
  deleteLockInProd,
  roleIdMatchesName,
  leastPrivilegeRoles,
  functionAppFlexHardened,
  appSettingsIdentityBased,
  storageHardened,
  auditWormContainer,
  keyVaultHardened,
  keyVaultKeyRotation,
  sqlEntraOnlyAudited,
  postgresEntraOnlyPgaudit,
  cosmosHardened,
  serviceBusHardened,
  webPubSubHardened,
  communicationEmailDomain,
  openAiHardened,
  openAiApprovedModels,
  monitoringHardened,
  nistInitiativeAssigned,
];

export interface RuleReport extends RuleResult {
  readonly rule: Rule;
}

/**
 * Lists `.bicep` and `*.parameters.json` files under the given folders
 * (posix, relative to root).
 */
export function listTemplateFiles(rootDir: string, folders: readonly string[]): string[] {
  return folders.flatMap((folder) =>
    readdirSync(resolveInside(rootDir, folder), { recursive: true, encoding: 'utf8' })
      .map((entry) => `${folder}/${entry.split('\\').join('/')}`)
      .filter((path) => !path.includes('/fixtures/') && !path.includes('node_modules'))
      .filter((path) => path.endsWith('.bicep') || path.endsWith('.parameters.json'))
      .sort(),
  );
}

/** Reads and parses the files into a project (paths stay relative to `rootDir` for messages). */
export function loadProject(rootDir: string, paths: readonly string[]): Project {
  const files = paths
    .filter((path) => path.endsWith('.bicep'))
    .map((path) => parseBicep(path, readFileSync(resolveInside(rootDir, path), 'utf8')));
  const parameterFiles: ParameterFile[] = paths
    .filter((path) => path.endsWith('.json'))
    .map((path) => {
      const text = readFileSync(resolveInside(rootDir, path), 'utf8');
      return { path, text, json: JSON.parse(text) as unknown };
    });
  return { files, parameterFiles };
}

/** Runs rules over a project; a rule that throws is reported as a failure, not a crash. */
export function checkProject(project: Project, rules: readonly Rule[] = RULES): RuleReport[] {
  return rules.map((rule) => {
    try {
      return { rule, ...rule.check(project) };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const finding = {
        ruleId: rule.id,
        subject: 'checker',
        file: '-',
        line: 0,
        message: `rule crashed: ${message}`,
      };
      return { rule, checked: 0, findings: [finding] };
    }
  });
}
