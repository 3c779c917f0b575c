metadata name = 'EDS Service Bus'
metadata description = 'Premium Service Bus namespace with local (SAS) auth off, no authorization rules, TLS 1.2, no public access, a private endpoint, and queues with dead-lettering and a bounded delivery count; data roles are granted per queue.'

import { usRegion, principalRoleAssignment } from '../../types/common.bicep'

@description('Required. Globally unique namespace name.')
param name string

@description('Required. Azure region (US only).')
param location usRegion

@description('Optional. Tags applied to every resource.')
param tags object = {}

@description('Optional. Queue names (emails, search indexing, AI ingest, detection).')
param queueNames array = ['eds-email', 'eds-search-index', 'eds-ai-ingest', 'eds-detection']

@minValue(1)
@maxValue(10)
@description('Optional. Deliveries before a message is dead-lettered.')
param maxDeliveryCount int = 5

@description('Optional. Data-plane roles granted on every queue (Azure Service Bus Data Sender / Receiver).')
param queueRoleAssignments principalRoleAssignment[] = []

@description('Required. Resource id of the Log Analytics workspace receiving diagnostics.')
param logAnalyticsWorkspaceResourceId string

@description('Required. Resource id of the subnet that holds private endpoints.')
param privateEndpointSubnetResourceId string

@description('Required. Private DNS zone resource ids keyed by zone name (network module output).')
param privateDnsZoneResourceIds object

@description('Required. Apply a CanNotDelete lock (production).')
param enableDeleteLock bool

var builtInRoleNames = {
  'Azure Service Bus Data Sender': subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39')
  'Azure Service Bus Data Receiver': subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
}

var queueAssignments = flatten(map(queueNames, queueName => map(queueRoleAssignments, assignment => union(assignment, { queueName: queueName }))))

// Premium is the tier that supports private endpoints. Azure still creates the namespace's
// RootManageSharedAccessKey rule; with disableLocalAuth it cannot authenticate anything.
resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Premium'
    tier: 'Premium'
    capacity: 1
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
    publicNetworkAccess: 'Disabled'
    zoneRedundant: true
  }
}

resource queues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [
  for queueName in queueNames: {
    parent: namespace
    name: queueName
    properties: {
      maxDeliveryCount: maxDeliveryCount
      deadLetteringOnMessageExpiration: true
      lockDuration: 'PT1M'
      defaultMessageTimeToLive: 'P14D'
      requiresDuplicateDetection: true
      duplicateDetectionHistoryTimeWindow: 'PT10M'
      enableBatchedOperations: true
    }
  }
]

resource assignedQueues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' existing = [
  for item in queueAssignments: {
    parent: namespace
    name: item.queueName
  }
]

resource queue_roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for (item, index) in queueAssignments: {
    name: guid(namespace.id, item.queueName, item.principalId, builtInRoleNames[item.roleName])
    scope: assignedQueues[index]
    properties: {
      roleDefinitionId: builtInRoleNames[item.roleName]
      principalId: item.principalId
      principalType: 'ServicePrincipal'
    }
    dependsOn: [queues]
  }
]

resource namespace_privateEndpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pep-${name}'
  location: location
  tags: tags
  properties: {
    subnet: { id: privateEndpointSubnetResourceId }
    privateLinkServiceConnections: [
      {
        name: 'namespace'
        properties: {
          privateLinkServiceId: namespace.id
          groupIds: ['namespace']
        }
      }
    ]
  }
}

resource namespace_privateEndpoint_dns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: namespace_privateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'servicebus'
        properties: { privateDnsZoneId: privateDnsZoneResourceIds['privatelink.servicebus.windows.net'] }
      }
    ]
  }
}

resource namespace_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: namespace
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource namespace_lock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'lock-${name}'
  scope: namespace
  properties: {
    level: 'CanNotDelete'
    notes: 'EDS production queues.'
  }
}

@description('Resource id of the namespace.')
output resourceId string = namespace.id

@description('Fully qualified namespace host, for ServiceBusConnection__fullyQualifiedNamespace.')
output fullyQualifiedNamespace string = split(replace(replace(namespace.properties.serviceBusEndpoint, 'https:', ''), '/', ''), ':')[0]
