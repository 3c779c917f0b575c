import type { BicepFile, BicepValue, ResourceDecl } from '../bicep-model.js';
import {
  describe,
  expectLiteral,
  getPath,
  isLiteral,
  lowerBound,
  objectsInFile,
  prop,
} from '../bicep-values.js';
import { childrenOf, FindingList, resourceRule, resourcesOfType, type Rule } from '../rule.js';

export const storageHardened = resourceRule(
  'storage-hardened',
  'Storage: shared keys off, OAuth by default, TLS 1.2, HTTPS only, ' +
    'no public blob access, network deny',
  ['Microsoft.Storage/storageAccounts'],
  (_file, resource) => {
    const problems: string[] = [];
    expectLiteral(resource, 'properties.allowSharedKeyAccess', false, problems);
    expectLiteral(resource, 'properties.defaultToOAuthAuthentication', true, problems);
    expectLiteral(resource, 'properties.minimumTlsVersion', 'TLS1_2', problems);
    expectLiteral(resource, 'properties.supportsHttpsTrafficOnly', true, problems);
    expectLiteral(resource, 'properties.allowBlobPublicAccess', false, problems);
    expectLiteral(resource, 'properties.networkAcls.defaultAction', 'Deny', problems);
    return problems;
  },
);

const MIN_AUDIT_RETENTION_DAYS = 2190;

export const auditWormContainer: Rule = {
  id: 'audit-worm-container',
  title:
    'An immutable (WORM) blob container with versioning keeps audit checkpoints ' +
    'for at least six years',
  check(project) {
    const findings = new FindingList(this.id);
    const accounts = resourcesOfType(project, ['Microsoft.Storage/storageAccounts']);
    for (const { file, resource } of accounts) {
      const problem = wormProblem(file, resource);
      if (problem !== undefined) {
        findings.addFor(file, resource, problem);
      }
    }
    return { checked: accounts.length, findings: findings.items };
  },
};

function wormProblem(file: BicepFile, account: ResourceDecl): string | undefined {
  const blobServices = childrenOf(file, account, 'Microsoft.Storage/storageAccounts/blobServices');
  const containers = blobServices.flatMap((service) =>
    childrenOf(file, service, 'Microsoft.Storage/storageAccounts/blobServices/containers'),
  );
  const worm = containers.find((container) =>
    isLiteral(prop(container, 'properties.immutableStorageWithVersioning.enabled'), true),
  );
  if (worm === undefined) {
    return 'no container has immutableStorageWithVersioning enabled';
  }
  if (
    !blobServices.some((service) =>
      isLiteral(prop(service, 'properties.isVersioningEnabled'), true),
    )
  ) {
    return 'blob versioning must be enabled for version-level immutability';
  }
  const policy = childrenOf(
    file,
    worm,
    'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies',
  )[0];
  const days = lowerBound(
    file,
    policy ? prop(policy, 'properties.immutabilityPeriodSinceCreationInDays') : undefined,
  );
  if (days === undefined || days < MIN_AUDIT_RETENTION_DAYS) {
    const minimum = `at least ${MIN_AUDIT_RETENTION_DAYS} days`;
    return `container ${worm.symbol} needs an immutability policy of ${minimum}`;
  }
  return undefined;
}

export const keyVaultHardened = resourceRule(
  'key-vault-hardened',
  'Key Vault: RBAC, purge protection, soft delete 90 days, deployment flags off, network deny',
  ['Microsoft.KeyVault/vaults'],
  (_file, resource) => {
    const problems: string[] = [];
    expectLiteral(resource, 'properties.enableRbacAuthorization', true, problems);
    expectLiteral(resource, 'properties.enablePurgeProtection', true, problems);
    expectLiteral(resource, 'properties.enableSoftDelete', true, problems);
    expectLiteral(resource, 'properties.softDeleteRetentionInDays', 90, problems);
    expectLiteral(resource, 'properties.enabledForDeployment', false, problems);
    expectLiteral(resource, 'properties.enabledForDiskEncryption', false, problems);
    expectLiteral(resource, 'properties.enabledForTemplateDeployment', false, problems);
    expectLiteral(resource, 'properties.networkAcls.defaultAction', 'Deny', problems);
    return problems;
  },
);

function isoDays(duration: BicepValue | undefined): number | undefined {
  const match = duration?.kind === 'string' ? /^P(\d+)D$/.exec(duration.value) : null;
  return match?.[1] === undefined ? undefined : Number(match[1]);
}

export const keyVaultKeyRotation = resourceRule(
  'key-vault-key-rotation',
  'Key Vault keys are non-exportable RSA ≥ 3072 and rotate automatically within 90 days',
  ['Microsoft.KeyVault/vaults/keys'],
  (_file, resource) => {
    const problems: string[] = [];
    const kty = prop(resource, 'properties.kty');
    if (!isLiteral(kty, 'RSA-HSM') && !isLiteral(kty, 'RSA')) {
      problems.push(`properties.kty must be 'RSA-HSM' or 'RSA' (found ${describe(kty)})`);
    }
    const keySize = prop(resource, 'properties.keySize');
    if (keySize?.kind !== 'number' || keySize.value < 3072) {
      problems.push(`properties.keySize must be at least 3072 (found ${describe(keySize)})`);
    }
    expectLiteral(resource, 'properties.attributes.exportable', false, problems);
    const actions = prop(resource, 'properties.rotationPolicy.lifetimeActions');
    const rotate =
      actions?.kind === 'array'
        ? actions.items.find((action) => isLiteral(getPath(action, 'action.type'), 'rotate'))
        : undefined;
    const days = isoDays(getPath(rotate, 'trigger.timeAfterCreate'));
    if (rotate === undefined || days === undefined || days > 90) {
      problems.push(
        'rotationPolicy must rotate the key with trigger.timeAfterCreate of P90D or less',
      );
    }
    return problems;
  },
);

export const sqlEntraOnlyAudited = resourceRule(
  'sql-entra-only-audited',
  'Azure SQL: Entra-only auth, TLS 1.2, auditing, TDE on every database, threat protection',
  ['Microsoft.Sql/servers'],
  (file, resource) => {
    const problems: string[] = [];
    expectLiteral(resource, 'properties.minimalTlsVersion', '1.2', problems);
    expectLiteral(resource, 'properties.administrators.azureADOnlyAuthentication', true, problems);
    if (prop(resource, 'properties.administratorLoginPassword') !== undefined) {
      problems.push('properties.administratorLoginPassword must not be set (Entra-only)');
    }
    const entraOnly = childrenOf(
      file,
      resource,
      'Microsoft.Sql/servers/azureADOnlyAuthentications',
    );
    if (
      !entraOnly.some((child) =>
        isLiteral(prop(child, 'properties.azureADOnlyAuthentication'), true),
      )
    ) {
      problems.push('azureADOnlyAuthentications child must set azureADOnlyAuthentication: true');
    }
    const auditing = childrenOf(file, resource, 'Microsoft.Sql/servers/auditingSettings');
    if (!auditing.some((child) => isLiteral(prop(child, 'properties.state'), 'Enabled'))) {
      problems.push("auditingSettings with state 'Enabled' is missing");
    }
    const alerts = childrenOf(file, resource, 'Microsoft.Sql/servers/securityAlertPolicies');
    if (!alerts.some((child) => isLiteral(prop(child, 'properties.state'), 'Enabled'))) {
      problems.push("securityAlertPolicies (threat protection) with state 'Enabled' is missing");
    }
    const databases = childrenOf(file, resource, 'Microsoft.Sql/servers/databases').filter(
      (db) => !db.existing,
    );
    for (const database of databases) {
      const tde = childrenOf(
        file,
        database,
        'Microsoft.Sql/servers/databases/transparentDataEncryption',
      );
      if (!tde.some((child) => isLiteral(prop(child, 'properties.state'), 'Enabled'))) {
        problems.push(
          `database ${database.symbol} has no transparentDataEncryption with state 'Enabled'`,
        );
      }
    }
    return problems;
  },
);

/**
 * Server parameters declared anywhere in the file,
 * as `{ name: ..., value: ... }` or configurations.
 */
function serverParameters(file: BicepFile): Map<string, string> {
  const values = new Map<string, string>();
  for (const item of objectsInFile(file)) {
    const name = item.properties.get('name');
    const value = item.properties.get('value') ?? getPath(item, 'properties.value');
    if (name?.kind === 'string' && value?.kind === 'string') {
      values.set(name.value, value.value);
    }
  }
  return values;
}

export const postgresEntraOnlyPgaudit = resourceRule(
  'postgres-entra-only-pgaudit',
  'PostgreSQL: Entra-only auth, require_secure_transport, TLS 1.2 minimum, ' +
    'pgaudit loaded and configured',
  ['Microsoft.DBforPostgreSQL/flexibleServers'],
  (file, resource) => {
    const problems: string[] = [];
    expectLiteral(resource, 'properties.authConfig.activeDirectoryAuth', 'Enabled', problems);
    expectLiteral(resource, 'properties.authConfig.passwordAuth', 'Disabled', problems);
    if (prop(resource, 'properties.administratorLoginPassword') !== undefined) {
      problems.push('properties.administratorLoginPassword must not be set (Entra-only)');
    }
    const parameters = serverParameters(file);
    const expectParameter = (
      name: string,
      isValid: (value: string) => boolean,
      wanted: string,
    ): void => {
      const value = parameters.get(name);
      if (value === undefined || !isValid(value)) {
        problems.push(`server parameter ${name} must be ${wanted} (found ${value ?? 'not set'})`);
      }
    };
    expectParameter('require_secure_transport', (value) => value.toLowerCase() === 'on', "'on'");
    expectParameter(
      'ssl_min_protocol_version',
      (value) => ['TLSv1.2', 'TLSv1.3'].includes(value),
      "'TLSv1.2' or later",
    );
    expectParameter(
      'shared_preload_libraries',
      (value) => /\bpgaudit\b/i.test(value),
      'a list including pgaudit',
    );
    expectParameter(
      'azure.extensions',
      (value) => /\bpgaudit\b/i.test(value),
      'a list including PGAUDIT',
    );
    expectParameter(
      'pgaudit.log',
      (value) => value !== '' && value.toLowerCase() !== 'none',
      'a non-empty class list',
    );
    return problems;
  },
);

export const cosmosHardened = resourceRule(
  'cosmos-hardened',
  'Cosmos DB: local auth and key-based metadata writes off, continuous backup, TLS 1.2',
  ['Microsoft.DocumentDB/databaseAccounts'],
  (_file, resource) => {
    const problems: string[] = [];
    expectLiteral(resource, 'properties.disableLocalAuth', true, problems);
    expectLiteral(resource, 'properties.disableKeyBasedMetadataWriteAccess', true, problems);
    expectLiteral(resource, 'properties.backupPolicy.type', 'Continuous', problems);
    expectLiteral(resource, 'properties.minimalTlsVersion', 'Tls12', problems);
    return problems;
  },
);
