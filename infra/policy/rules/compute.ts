import type { BicepValue } from '../bicep-model.js';
import { isLiteral, objectsInFile, prop } from '../bicep-values.js';
import { expectLiteral } from '../bicep-values.js';
import { childrenOf, FindingList, resourceRule, resourcesOfType, type Rule } from '../rule.js';

export const functionAppFlexHardened = resourceRule(
  'function-app-flex-hardened',
  'Function App runs on Flex Consumption (Node 20) as a user-assigned identity, ' +
    'VNet-integrated with all outbound routed, HTTPS/TLS 1.2 only, ' +
    'no basic publishing credentials',
  ['Microsoft.Web/sites', 'Microsoft.Web/serverfarms'],
  (file, resource) => {
    const problems: string[] = [];
    if (resource.type === 'Microsoft.Web/serverfarms') {
      expectLiteral(resource, 'sku.tier', 'FlexConsumption', problems);
      expectLiteral(resource, 'sku.name', 'FC1', problems);
      return problems;
    }
    expectLiteral(resource, 'identity.type', 'UserAssigned', problems);
    expectLiteral(resource, 'properties.httpsOnly', true, problems);
    expectLiteral(resource, 'properties.vnetRouteAllEnabled', true, problems);
    expectLiteral(resource, 'properties.siteConfig.minTlsVersion', '1.2', problems);
    expectLiteral(resource, 'properties.siteConfig.scmMinTlsVersion', '1.2', problems);
    expectLiteral(resource, 'properties.siteConfig.ftpsState', 'Disabled', problems);
    expectLiteral(resource, 'properties.siteConfig.remoteDebuggingEnabled', false, problems);
    expectLiteral(resource, 'properties.functionAppConfig.runtime.name', 'node', problems);
    expectLiteral(resource, 'properties.functionAppConfig.runtime.version', '20', problems);
    expectLiteral(
      resource,
      'properties.functionAppConfig.deployment.storage.authentication.type',
      'UserAssignedIdentity',
      problems,
    );
    if (prop(resource, 'properties.virtualNetworkSubnetId') === undefined) {
      problems.push('properties.virtualNetworkSubnetId must set the VNet integration subnet');
    }
    const policies = childrenOf(
      file,
      resource,
      'Microsoft.Web/sites/basicPublishingCredentialsPolicies',
    );
    for (const channel of ['ftp', 'scm']) {
      const policy = policies.find((candidate) =>
        isLiteral(candidate.body?.properties.get('name'), channel),
      );
      if (policy === undefined || !isLiteral(prop(policy, 'properties.allow'), false)) {
        problems.push(
          `basic publishing credentials for ${channel} must be disabled (allow: false)`,
        );
      }
    }
    return problems;
  },
);

/** Settings the app reads in Azure; every one must be present (shared/config, infra/README.md). */
export const REQUIRED_APP_SETTINGS: readonly string[] = [
  'EDS_TENANT_ID',
  'EDS_AUDIENCE',
  'EDS_ISSUER',
  'EDS_JWKS_URI',
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
  'APPLICATIONINSIGHTS_AUTHENTICATION_STRING',
  'AZURE_CLIENT_ID',
  'EDS_CREDENTIAL',
  'EDS_MANAGED_IDENTITY_CLIENT_ID',
  'EDS_AUDIT_SIGNING_SECRET_NAME',
  'AzureWebJobsStorage__accountName',
  'AzureWebJobsStorage__credential',
  'AzureWebJobsStorage__clientId',
  'ServiceBusConnection__fullyQualifiedNamespace',
  'ServiceBusConnection__credential',
  'ServiceBusConnection__clientId',
  'EDS_SQL_SERVER',
  'EDS_SQL_DATABASE',
  'EDS_PG_HOST',
  'EDS_PG_DATABASE',
  'EDS_PG_USER',
  'EDS_COSMOS_ENDPOINT',
  'EDS_KEYVAULT_URL',
  'EDS_KEYVAULT_KEY_NAME',
  'EDS_SEARCH_ENDPOINT',
  'EDS_SEARCH_API_KEY_SECRET_NAME',
  'EDS_WEBPUBSUB_ENDPOINT',
  'EDS_EMAIL_ENDPOINT',
  'EDS_OPENAI_ENDPOINT',
];

const APP_SETTING_NAME =
  /^(EDS_|AzureWebJobs|APPLICATIONINSIGHTS_|AZURE_CLIENT_ID$|ServiceBusConnection)/;
const CREDENTIAL_NAME_MARKERS = [
  'ConnectionString',
  'CONNECTION_STRING',
  'AccountKey',
  'SharedAccessKey',
  'PASSWORD',
  'Password',
  '_KEY$',
  '_SECRET$',
  'ApiKey$',
  'API_KEY$',
];
const CREDENTIAL_NAME = new RegExp(`(${CREDENTIAL_NAME_MARKERS.join('|')})`);
const CREDENTIAL_VALUE_MARKERS = [
  'AccountKey=',
  'SharedAccessKey=',
  'SharedAccessSignature=',
  'Password=',
  'listKeys',
  'listConnectionStrings',
  'listSecrets',
];
const CREDENTIAL_VALUE = new RegExp(`(${CREDENTIAL_VALUE_MARKERS.join('|')})`, 'i');
// The App Insights connection string is an ingestion endpoint plus a resource id; with local auth
// off it cannot ingest without the Entra token named by APPLICATIONINSIGHTS_AUTHENTICATION_STRING.
const ALLOWED_CREDENTIAL_NAMES: ReadonlySet<string> = new Set([
  'APPLICATIONINSIGHTS_CONNECTION_STRING',
]);

function settingProblems(name: string, value: BicepValue): string[] {
  const problems: string[] = [];
  if (CREDENTIAL_NAME.test(name) && !ALLOWED_CREDENTIAL_NAMES.has(name)) {
    problems.push(`app setting ${name} carries a credential; use an identity-based connection`);
  }
  if (CREDENTIAL_VALUE.test(value.node.text)) {
    problems.push(`app setting ${name} embeds a key or connection string`);
  }
  if (name.endsWith('__credential') && !isLiteral(value, 'managedidentity')) {
    problems.push(`app setting ${name} must be 'managedidentity'`);
  }
  if (
    name === 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING' &&
    !value.node.text.includes('Authorization=AAD')
  ) {
    problems.push(
      'APPLICATIONINSIGHTS_AUTHENTICATION_STRING must select Entra (Authorization=AAD)',
    );
  }
  return problems;
}

export const appSettingsIdentityBased: Rule = {
  id: 'app-settings-identity-based',
  title: 'App settings use identity-based connections only and include every setting the app reads',
  check(project) {
    const findings = new FindingList(this.id);
    const names = new Set<string>();
    let checked = 0;
    for (const file of project.files) {
      for (const settings of objectsInFile(file)) {
        const entries = [...settings.properties].filter(([name]) => APP_SETTING_NAME.test(name));
        for (const [name, value] of entries) {
          checked += 1;
          names.add(name);
          for (const problem of settingProblems(name, value)) {
            findings.add(file, name, value.line, problem);
          }
        }
        for (const [name] of entries.filter(([key]) =>
          /__(fullyQualifiedNamespace|accountName|serviceUri)$/.test(key),
        )) {
          const prefix = name.split('__')[0] ?? '';
          if (
            !settings.properties.has(`${prefix}__credential`) ||
            !settings.properties.has(`${prefix}__clientId`)
          ) {
            findings.add(
              file,
              name,
              settings.line,
              `${prefix} needs __credential and __clientId beside ${name}`,
            );
          }
        }
      }
    }
    const sites = resourcesOfType(project, ['Microsoft.Web/sites']);
    const [firstSite] = sites;
    if (firstSite !== undefined) {
      for (const missing of REQUIRED_APP_SETTINGS.filter((name) => !names.has(name))) {
        findings.add(
          firstSite.file,
          firstSite.resource.symbol,
          firstSite.resource.line,
          `app setting ${missing} is missing`,
        );
      }
    }
    return { checked, findings: findings.items };
  },
};
