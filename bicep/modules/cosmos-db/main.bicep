metadata name = 'EDS Cosmos DB'
metadata description = 'Cosmos DB (NoSQL) account with local auth and key-based metadata writes off, continuous backup, TLS 1.2, no public access, a private endpoint, and the data contributor role scoped to the EDS database.'

import { usRegion } from '../../types/common.bicep'

@description('Required. Globally unique account name.')
param name string

@description('Required. Azure region (US only).')
param location usRegion

@description('Optional. Tags applied to every resource.')
param tags object = {}

@description('Optional. Name of the SQL (NoSQL API) database.')
param databaseName string = 'eds'

@description('Optional. Containers, partition key paths and default TTL (-1: on, no default); they match shared/cosmos/cosmos-containers.ts, because the app identity cannot create containers.')
param containers array = [
  { name: 'documents', partitionKeyPath: '/division' }
  { name: 'chatHistory', partitionKeyPath: '/userId', defaultTtl: -1 }
]

@description('Optional. Principal ids granted the Cosmos DB Built-in Data Contributor role on the EDS database only.')
param dataContributorPrincipalIds array = []

@description('Required. Resource id of the Log Analytics workspace receiving diagnostics.')
param logAnalyticsWorkspaceResourceId string

@description('Required. Resource id of the subnet that holds private endpoints.')
param privateEndpointSubnetResourceId string

@description('Required. Private DNS zone resource ids keyed by zone name (network module output).')
param privateDnsZoneResourceIds object

@description('Required. Apply a CanNotDelete lock (production).')
param enableDeleteLock bool

// Cosmos DB data-plane roles are defined by the account, not by Azure RBAC.
var cosmosDataRoleNames = {
  'Cosmos DB Built-in Data Contributor': '00000000-0000-0000-0000-000000000002'
}

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-11-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    locations: [
      {
        locationName: location
        failoverPriority: 0
        isZoneRedundant: true
      }
    ]
    consistencyPolicy: {
      defaultConsistencyLevel: 'Session'
    }
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    publicNetworkAccess: 'Disabled'
    networkAclBypass: 'None'
    isVirtualNetworkFilterEnabled: false
    enableAutomaticFailover: true
    backupPolicy: {
      type: 'Continuous'
      continuousModeProperties: {
        tier: 'Continuous30Days'
      }
    }
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-11-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
  }
}

resource database_containers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-11-15' = [
  for container in containers: {
    parent: database
    name: container.name
    properties: {
      resource: union(
        { id: container.name, partitionKey: { paths: [container.partitionKeyPath], kind: 'Hash' } },
        contains(container, 'defaultTtl') ? { defaultTtl: container.defaultTtl } : {}
      )
    }
  }
]

resource database_dataContributors 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-11-15' = [
  for principalId in dataContributorPrincipalIds: {
    parent: account
    name: guid(database.id, principalId, cosmosDataRoleNames['Cosmos DB Built-in Data Contributor'])
    properties: {
      roleDefinitionId: '${account.id}/sqlRoleDefinitions/${cosmosDataRoleNames['Cosmos DB Built-in Data Contributor']}'
      principalId: principalId
      scope: '${account.id}/dbs/${database.name}'
    }
  }
]

resource account_privateEndpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pep-${name}'
  location: location
  tags: tags
  properties: {
    subnet: { id: privateEndpointSubnetResourceId }
    privateLinkServiceConnections: [
      {
        name: 'Sql'
        properties: {
          privateLinkServiceId: account.id
          groupIds: ['Sql']
        }
      }
    ]
  }
}

resource account_privateEndpoint_dns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: account_privateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'documents'
        properties: { privateDnsZoneId: privateDnsZoneResourceIds['privatelink.documents.azure.com'] }
      }
    ]
  }
}

resource account_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: account
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    logAnalyticsDestinationType: 'Dedicated'
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'Requests', enabled: true }]
  }
}

resource account_lock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'lock-${name}'
  scope: account
  properties: {
    level: 'CanNotDelete'
    notes: 'EDS production documents and chat history.'
  }
}

@description('Resource id of the account.')
output resourceId string = account.id

@description('Document endpoint, given to the app as EDS_COSMOS_ENDPOINT.')
output documentEndpoint string = account.properties.documentEndpoint

@description('Name of the EDS database.')
output databaseName string = database.name
