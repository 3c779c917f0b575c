import type { BicepValue } from '../bicep-model.js';
import {
  describe,
  expectLiteral,
  getPath,
  isLiteral,
  lowerBound,
  objectsInFile,
  prop,
  upperBound,
} from '../bicep-values.js';
import { APPROVED_OPENAI_MODELS } from '../known-ids.js';
import { FindingList, resourceRule, resourcesOfType, type Project, type Rule } from '../rule.js';

export const serviceBusHardened = resourceRule(
  'service-bus-hardened',
  'Service Bus: local auth off, no SAS rules, TLS 1.2; ' +
    'queues dead-letter with a bounded delivery count',
  ['Microsoft.ServiceBus/namespaces', 'Microsoft.ServiceBus/namespaces/queues'],
  (file, resource) => {
    const problems: string[] = [];
    if (resource.type === 'Microsoft.ServiceBus/namespaces/queues') {
      expectLiteral(resource, 'properties.deadLetteringOnMessageExpiration', true, problems);
      const count = prop(resource, 'properties.maxDeliveryCount');
      const highest = upperBound(file, count);
      if (highest === undefined || highest > 10) {
        problems.push(
          `properties.maxDeliveryCount must be set and at most 10 (found ${describe(count)})`,
        );
      }
      return problems;
    }
    expectLiteral(resource, 'properties.disableLocalAuth', true, problems);
    expectLiteral(resource, 'properties.minimumTlsVersion', '1.2', problems);
    const sasRules = file.resources.filter((candidate) =>
      /\/authorizationrules$/i.test(candidate.type),
    );
    for (const rule of sasRules) {
      problems.push(`authorization rule ${rule.symbol} creates a SAS key; use Entra roles`);
    }
    return problems;
  },
);

export const webPubSubHardened = resourceRule(
  'web-pubsub-hardened',
  'Web PubSub: local (access key) auth off, Entra auth on, ' +
    'public network limited to client connections',
  ['Microsoft.SignalRService/webPubSub'],
  (_file, resource) => {
    const problems: string[] = [];
    expectLiteral(resource, 'properties.disableLocalAuth', true, problems);
    expectLiteral(resource, 'properties.disableAadAuth', false, problems);
    return problems;
  },
);

export const communicationEmailDomain = resourceRule(
  'communication-email-domain',
  'Communication Services keeps data in the United States ' +
    'and links an email domain with tracking off',
  ['Microsoft.Communication/communicationServices'],
  (file, resource) => {
    const problems: string[] = [];
    expectLiteral(resource, 'properties.dataLocation', 'United States', problems);
    const linked = prop(resource, 'properties.linkedDomains');
    if (linked?.kind !== 'array' || linked.items.length === 0) {
      problems.push('properties.linkedDomains must link an email domain');
    }
    const domains = file.resources.filter(
      (candidate) => candidate.type === 'Microsoft.Communication/emailServices/domains',
    );
    if (domains.length === 0) {
      problems.push('no Microsoft.Communication/emailServices/domains is declared beside it');
    }
    for (const domain of domains) {
      expectLiteral(domain, 'properties.userEngagementTracking', 'Disabled', problems);
    }
    return problems;
  },
);

export const openAiHardened = resourceRule(
  'openai-hardened',
  'Azure OpenAI: local (key) auth off, custom subdomain for Entra, ' +
    'outbound restricted, network deny',
  ['Microsoft.CognitiveServices/accounts'],
  (_file, resource) => {
    const problems: string[] = [];
    expectLiteral(resource, 'properties.disableLocalAuth', true, problems);
    expectLiteral(resource, 'properties.restrictOutboundNetworkAccess', true, problems);
    expectLiteral(resource, 'properties.networkAcls.defaultAction', 'Deny', problems);
    if (prop(resource, 'properties.customSubDomainName') === undefined) {
      problems.push('properties.customSubDomainName must be set (Entra token auth needs it)');
    }
    return problems;
  },
);

function isApproved(name: string, version: string): boolean {
  return APPROVED_OPENAI_MODELS.some((model) => model.name === name && model.version === version);
}

function modelPairs(
  project: Project,
): { file: string; line: number; name: string; version: string }[] {
  const pairs: { file: string; line: number; name: string; version: string }[] = [];
  const add = (
    file: string,
    line: number,
    name: BicepValue | undefined,
    version: BicepValue | undefined,
  ): void => {
    if (name?.kind === 'string' || version?.kind === 'string') {
      const text = (value: BicepValue | undefined): string =>
        value?.kind === 'string' ? value.value : describe(value);
      pairs.push({ file, line, name: text(name), version: text(version) });
    }
  };
  for (const file of project.files) {
    for (const item of objectsInFile(file)) {
      if (item.properties.has('modelName') || item.properties.has('modelVersion')) {
        add(
          file.path,
          item.line,
          item.properties.get('modelName'),
          item.properties.get('modelVersion'),
        );
      }
      if (isLiteral(item.properties.get('format'), 'OpenAI')) {
        add(file.path, item.line, item.properties.get('name'), item.properties.get('version'));
      }
    }
  }
  for (const parameterFile of project.parameterFiles) {
    for (const model of jsonModels(parameterFile.json)) {
      pairs.push({ file: parameterFile.path, line: 1, ...model });
    }
  }
  return pairs;
}

function jsonModels(value: unknown): { name: string; version: string }[] {
  if (Array.isArray(value)) {
    return value.flatMap(jsonModels);
  }
  if (typeof value !== 'object' || value === null) {
    return [];
  }
  const record = value as Record<string, unknown>;
  const own =
    'modelName' in record || 'modelVersion' in record
      ? [{ name: String(record['modelName']), version: String(record['modelVersion']) }]
      : [];
  return [...own, ...Object.values(record).flatMap(jsonModels)];
}

export const openAiApprovedModels: Rule = {
  id: 'openai-approved-models',
  title:
    'OpenAI deployments use approved models pinned by name and version, ' +
    'no auto-upgrade, regional SKU',
  check(project) {
    const findings = new FindingList(this.id);
    const deployments = resourcesOfType(project, [
      'Microsoft.CognitiveServices/accounts/deployments',
    ]);
    for (const { file, resource } of deployments) {
      if (!isLiteral(prop(resource, 'properties.versionUpgradeOption'), 'NoAutoUpgrade')) {
        findings.addFor(file, resource, "properties.versionUpgradeOption must be 'NoAutoUpgrade'");
      }
      const sku = prop(resource, 'sku.name');
      if (sku?.kind !== 'string' || /^global/i.test(sku.value)) {
        findings.addFor(
          file,
          resource,
          `sku.name must be a literal regional SKU (found ${describe(sku)})`,
        );
      }
    }
    const pairs = modelPairs(project);
    for (const pair of pairs.filter(
      (candidate) => !isApproved(candidate.name, candidate.version),
    )) {
      findings.items.push({
        ruleId: this.id,
        subject: `model ${pair.name}`,
        file: pair.file,
        line: pair.line,
        message: `model ${pair.name} version ${pair.version} is not on the approved list`,
      });
    }
    return { checked: deployments.length + pairs.length, findings: findings.items };
  },
};

const RETENTION_PROBLEM =
  'properties.retentionInDays must be at least 365 (a literal or a @minValue(365) parameter)';

export const monitoringHardened: Rule = {
  id: 'monitoring-hardened',
  title:
    'Log Analytics and Application Insights: local auth off, 12 months active retention, ' +
    'private ingestion',
  check(project) {
    const findings = new FindingList(this.id);
    const workspaces = resourcesOfType(project, ['Microsoft.OperationalInsights/workspaces']);
    for (const { file, resource } of workspaces) {
      const problems: string[] = [];
      expectLiteral(resource, 'properties.features.disableLocalAuth', true, problems);
      const retention = lowerBound(file, prop(resource, 'properties.retentionInDays'));
      if (retention === undefined || retention < 365) {
        problems.push(RETENTION_PROBLEM);
      }
      problems.forEach((problem) => findings.addFor(file, resource, problem));
    }
    const components = resourcesOfType(project, ['Microsoft.Insights/components']);
    for (const { file, resource } of components) {
      if (!isLiteral(prop(resource, 'properties.DisableLocalAuth'), true)) {
        findings.addFor(file, resource, 'properties.DisableLocalAuth must be true');
      }
      if (prop(resource, 'properties.WorkspaceResourceId') === undefined) {
        findings.addFor(
          file,
          resource,
          'properties.WorkspaceResourceId must make it workspace-based',
        );
      }
    }
    const scopes = resourcesOfType(project, ['Microsoft.Insights/privateLinkScopes']);
    const isPrivate = scopes.some(({ resource }) =>
      isLiteral(prop(resource, 'properties.accessModeSettings.ingestionAccessMode'), 'PrivateOnly'),
    );
    const [first] = workspaces;
    if (first !== undefined && !isPrivate) {
      findings.addFor(
        first.file,
        first.resource,
        "no Azure Monitor private link scope with ingestionAccessMode 'PrivateOnly'",
      );
    }
    return { checked: workspaces.length + components.length, findings: findings.items };
  },
};

export const nistInitiativeAssigned: Rule = {
  id: 'nist-initiative-assigned',
  title: 'The NIST SP 800-53 Rev. 5 initiative is assigned',
  check(project) {
    const findings = new FindingList(this.id);
    const assignments = resourcesOfType(project, ['Microsoft.Authorization/policyAssignments']);
    const namesNist = (id: BicepValue | undefined): boolean =>
      id !== undefined &&
      /NIST SP 800-53 Rev\. 5|179d1daa-458f-4e47-8086-2a68d0d6c38f/.test(id.node.text);
    const passesNist =
      project.files.some((file) =>
        file.modules.some((module) => namesNist(getPath(module.body, 'params.policyDefinitionId'))),
      ) ||
      assignments.some(({ resource }) =>
        namesNist(prop(resource, 'properties.policyDefinitionId')),
      );
    const definesNist = project.files.some((file) =>
      file.text.includes('179d1daa-458f-4e47-8086-2a68d0d6c38f'),
    );
    const [first] = project.files;
    if (first !== undefined && (assignments.length === 0 || !passesNist || !definesNist)) {
      findings.add(
        first,
        'policy',
        1,
        'no policy assignment of NIST SP 800-53 Rev. 5 (179d1daa-458f-4e47-8086-2a68d0d6c38f)',
      );
    }
    return { checked: assignments.length, findings: findings.items };
  },
};
