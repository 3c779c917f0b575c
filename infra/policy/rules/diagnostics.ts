import type { BicepFile, ResourceDecl } from '../bicep-model.js';
import { prop } from '../bicep-values.js';
import { FindingList, type Rule } from '../rule.js';

/**
 * Types that cannot carry a diagnostic setting or whose activity is logged elsewhere: role
 * assignments, locks and policy (activity log), identities, DNS zones and private endpoints (no
 * diagnostic categories), the email service (its sends are logged by Communication Services).
 */
const EXEMPT_PREFIXES: readonly string[] = [
  'microsoft.authorization/',
  'microsoft.resources/',
  'microsoft.insights/diagnosticsettings',
  'microsoft.insights/privatelinkscopes',
  'microsoft.managedidentity/',
  'microsoft.network/privatednszones',
  'microsoft.network/privateendpoints',
  'microsoft.communication/emailservices',
];

/** Child types that do carry their own diagnostics. */
const CHILDREN_WITH_DIAGNOSTICS: ReadonlySet<string> = new Set([
  'microsoft.sql/servers/databases',
  'microsoft.storage/storageaccounts/blobservices',
]);

/** Whether a declared resource must have a diagnostic setting. */
export function needsDiagnostics(resource: ResourceDecl): boolean {
  const type = resource.type.toLowerCase();
  if (resource.existing || EXEMPT_PREFIXES.some((prefix) => type.startsWith(prefix))) {
    return false;
  }
  const isChild = type.split('/').length > 2;
  return !isChild || CHILDREN_WITH_DIAGNOSTICS.has(type);
}

function coveringSettings(file: BicepFile, resource: ResourceDecl): ResourceDecl[] {
  // A resource is covered by a setting on itself or on an `existing` child (SQL server: master).
  const scopes = new Set([
    resource.symbol,
    ...file.resources
      .filter((child) => child.existing && child.parentSymbol === resource.symbol)
      .map((child) => child.symbol),
  ]);
  return file.resources.filter(
    (candidate) =>
      candidate.type === 'Microsoft.Insights/diagnosticSettings' &&
      scopes.has(candidate.scopeText ?? ''),
  );
}

export const diagnosticSettings: Rule = {
  id: 'diagnostic-settings',
  title: 'Every resource sends diagnostics to Log Analytics',
  check(project) {
    const findings = new FindingList(this.id);
    let checked = 0;
    for (const file of project.files) {
      for (const resource of file.resources.filter(needsDiagnostics)) {
        checked += 1;
        const settings = coveringSettings(file, resource);
        if (settings.length === 0) {
          findings.addFor(file, resource, 'no diagnostic setting is scoped to this resource');
        } else if (
          !settings.some((setting) => prop(setting, 'properties.workspaceId') !== undefined)
        ) {
          findings.addFor(file, resource, 'diagnostic setting has no Log Analytics workspaceId');
        }
      }
    }
    return { checked, findings: findings.items };
  },
};
