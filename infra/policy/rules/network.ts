import type { BicepFile, ResourceDecl } from '../bicep-model.js';
import { describe, getPath, isLiteral, prop } from '../bicep-values.js';
import { childrenOf, FindingList, resourcesOfType, type Rule } from '../rule.js';

/** Data services: public network access off and reached through a private endpoint. */
export const DATA_SERVICE_TYPES: readonly string[] = [
  'Microsoft.Storage/storageAccounts',
  'Microsoft.KeyVault/vaults',
  'Microsoft.Sql/servers',
  'Microsoft.DBforPostgreSQL/flexibleServers',
  'Microsoft.DocumentDB/databaseAccounts',
  'Microsoft.ServiceBus/namespaces',
  'Microsoft.SignalRService/webPubSub',
  'Microsoft.CognitiveServices/accounts',
];

const PUBLIC_ACCESS_PATH: Readonly<Record<string, string>> = {
  'microsoft.dbforpostgresql/flexibleservers': 'properties.network.publicNetworkAccess',
  'microsoft.operationalinsights/workspaces': 'properties.publicNetworkAccessForIngestion',
  'microsoft.insights/components': 'properties.publicNetworkAccessForIngestion',
};

/**
 * Web PubSub serves browsers, so its public endpoint may stay on for client connections only,
 * provided the server-side REST API and server connections are denied there.
 */
function isWebPubSubClientOnly(resource: ResourceDecl): boolean {
  const publicNetwork = prop(resource, 'properties.networkACLs.publicNetwork');
  const allow = getPath(publicNetwork, 'allow');
  const deny = getPath(publicNetwork, 'deny');
  const allowsOnlyClients =
    allow?.kind === 'array' &&
    allow.items.length === 1 &&
    isLiteral(allow.items[0], 'ClientConnection');
  const denied =
    deny?.kind === 'array'
      ? deny.items.map((item) => (item.kind === 'string' ? item.value : ''))
      : [];
  return (
    allowsOnlyClients &&
    ['RESTAPI', 'ServerConnection', 'Trace'].every((kind) => denied.includes(kind))
  );
}

export const publicNetworkDisabled: Rule = {
  id: 'public-network-disabled',
  title: 'Data services and log ingestion have public network access off',
  check(project) {
    const findings = new FindingList(this.id);
    const types = [
      ...DATA_SERVICE_TYPES,
      'Microsoft.OperationalInsights/workspaces',
      'Microsoft.Insights/components',
    ];
    const targets = resourcesOfType(project, types);
    for (const { file, resource } of targets) {
      const path =
        PUBLIC_ACCESS_PATH[resource.type.toLowerCase()] ?? 'properties.publicNetworkAccess';
      const value = prop(resource, path);
      if (isLiteral(value, 'Disabled')) {
        continue;
      }
      if (
        resource.type === 'Microsoft.SignalRService/webPubSub' &&
        isWebPubSubClientOnly(resource)
      ) {
        continue;
      }
      findings.addFor(file, resource, `${path} must be 'Disabled' (found ${describe(value)})`);
    }
    return { checked: targets.length, findings: findings.items };
  },
};

function endpointsFor(file: BicepFile, resource: ResourceDecl): ResourceDecl[] {
  return file.resources.filter((candidate) => {
    if (candidate.type !== 'Microsoft.Network/privateEndpoints') {
      return false;
    }
    const connections = prop(candidate, 'properties.privateLinkServiceConnections');
    const items = connections?.kind === 'array' ? connections.items : [];
    return items.some((connection) => {
      const target = getPath(connection, 'properties.privateLinkServiceId');
      return target?.kind === 'expression' && target.text === `${resource.symbol}.id`;
    });
  });
}

export const privateEndpointAndDns: Rule = {
  id: 'private-endpoint-and-dns',
  title: 'Every data service has a private endpoint with a private DNS zone group',
  check(project) {
    const findings = new FindingList(this.id);
    const targets = resourcesOfType(project, DATA_SERVICE_TYPES);
    for (const { file, resource } of targets) {
      const endpoints = endpointsFor(file, resource);
      if (endpoints.length === 0) {
        findings.addFor(file, resource, 'no private endpoint connects to this resource');
        continue;
      }
      for (const endpoint of endpoints) {
        const zoneGroups = childrenOf(
          file,
          endpoint,
          'Microsoft.Network/privateEndpoints/privateDnsZoneGroups',
        );
        const hasZone = zoneGroups.some(
          (group) => prop(group, 'properties.privateDnsZoneConfigs') !== undefined,
        );
        if (!hasZone) {
          findings.addFor(
            file,
            resource,
            `private endpoint ${endpoint.symbol} has no private DNS zone group`,
          );
        }
      }
    }
    return { checked: targets.length, findings: findings.items };
  },
};
