import type { BicepFile, BicepValue } from '../bicep-model.js';
import { isLiteral, prop, resolveVar } from '../bicep-values.js';
import { FindingList, resourcesOfType, type Project, type Rule } from '../rule.js';

/** Resources whose loss loses data or identity; each carries a CanNotDelete lock in prod. */
const LOCKED_TYPES: readonly string[] = [
  'Microsoft.Storage/storageAccounts',
  'Microsoft.KeyVault/vaults',
  'Microsoft.Sql/servers',
  'Microsoft.DBforPostgreSQL/flexibleServers',
  'Microsoft.DocumentDB/databaseAccounts',
  'Microsoft.ServiceBus/namespaces',
  'Microsoft.SignalRService/webPubSub',
  'Microsoft.CognitiveServices/accounts',
  'Microsoft.Communication/communicationServices',
  'Microsoft.Web/sites',
  'Microsoft.Web/serverfarms',
  'Microsoft.OperationalInsights/workspaces',
  'Microsoft.Insights/components',
  'Microsoft.ManagedIdentity/userAssignedIdentities',
  'Microsoft.Network/virtualNetworks',
];

const PROD_SWITCH = /environmentName\s*==\s*'prod'/;

/** Whether a value is, or names a variable that is, the `environmentName == 'prod'` test. */
function isProductionSwitch(file: BicepFile, value: BicepValue | undefined): boolean {
  const resolved = resolveVar(file, value);
  return resolved !== undefined && PROD_SWITCH.test(resolved.node.text);
}

function compositionFindings(project: Project, findings: FindingList): void {
  const lockedModules = new Set(
    project.files
      .filter((file) => file.params.some((param) => param.name === 'enableDeleteLock'))
      .map((file) => file.path),
  );
  let isSwitchedOnProd = false;
  for (const file of project.files) {
    for (const module of file.modules) {
      const passed = module.body?.properties.get('params');
      const value =
        passed?.kind === 'object' ? passed.properties.get('enableDeleteLock') : undefined;
      if (value === undefined) {
        continue;
      }
      const forwardsParam = value.kind === 'expression' && value.text === 'enableDeleteLock';
      isSwitchedOnProd ||= isProductionSwitch(file, value);
      if (!forwardsParam && !isProductionSwitch(file, value)) {
        findings.add(
          file,
          module.symbol,
          module.line,
          "enableDeleteLock must follow environmentName == 'prod'",
        );
      }
    }
  }
  const compositionFile = project.files.find((file) => file.modules.length > 0);
  if (lockedModules.size > 0 && compositionFile !== undefined && !isSwitchedOnProd) {
    findings.add(
      compositionFile,
      'composition',
      1,
      "no module receives enableDeleteLock from environmentName == 'prod'",
    );
  }
}

export const deleteLockInProd: Rule = {
  id: 'delete-lock-in-prod',
  title: 'Data-bearing resources get a CanNotDelete lock, switched on by the prod environment',
  check(project) {
    const findings = new FindingList(this.id);
    const targets = resourcesOfType(project, LOCKED_TYPES);
    for (const { file, resource } of targets) {
      const locks = file.resources.filter(
        (candidate) =>
          candidate.type === 'Microsoft.Authorization/locks' &&
          candidate.scopeText === resource.symbol,
      );
      const lock = locks.find((candidate) =>
        isLiteral(prop(candidate, 'properties.level'), 'CanNotDelete'),
      );
      if (lock === undefined) {
        findings.addFor(
          file,
          resource,
          "no Microsoft.Authorization/locks with level 'CanNotDelete' is scoped to this resource",
        );
      } else if (lock.condition !== undefined && !lock.condition.includes('enableDeleteLock')) {
        findings.addFor(
          file,
          resource,
          `lock ${lock.symbol} is conditional on something other than enableDeleteLock`,
        );
      }
    }
    compositionFindings(project, findings);
    return { checked: targets.length, findings: findings.items };
  },
};
