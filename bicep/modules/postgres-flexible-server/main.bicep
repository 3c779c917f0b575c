metadata name = 'EDS PostgreSQL Flexible Server'
metadata description = 'PostgreSQL Flexible Server with Entra-only authentication, require_secure_transport and TLS 1.2, pgaudit loaded and configured, no public access and a private endpoint.'

import { usRegion } from '../../types/common.bicep'

@description('Required. Globally unique server name.')
param name string

@description('Required. Azure region (US only).')
param location usRegion

@description('Optional. Tags applied to every resource.')
param tags object = {}

@description('Optional. Name of the application database (analytics and audit trail).')
param databaseName string = 'eds'

@allowed(['16', '17'])
@description('Optional. PostgreSQL major version.')
param postgresVersion string = '16'

@description('Optional. Compute SKU name.')
param skuName string = 'Standard_D2ds_v5'

@description('Optional. Compute tier.')
@allowed(['GeneralPurpose', 'MemoryOptimized'])
param skuTier string = 'GeneralPurpose'

@minValue(32)
@description('Optional. Storage size in GiB.')
param storageSizeGB int = 64

@description('Required. Display name of the Entra group that administers the server.')
param entraAdminGroupName string

@description('Required. Object id of the Entra group that administers the server.')
param entraAdminGroupObjectId string

@description('Required. Resource id of the Log Analytics workspace receiving diagnostics.')
param logAnalyticsWorkspaceResourceId string

@description('Required. Resource id of the subnet that holds private endpoints.')
param privateEndpointSubnetResourceId string

@description('Required. Private DNS zone resource ids keyed by zone name (network module output).')
param privateDnsZoneResourceIds object

@description('Required. Apply a CanNotDelete lock (production).')
param enableDeleteLock bool

// Server parameters are applied one at a time (batchSize 1): the service rejects concurrent updates.
var serverParameters = [
  { name: 'require_secure_transport', value: 'on' }
  { name: 'ssl_min_protocol_version', value: 'TLSv1.2' }
  { name: 'shared_preload_libraries', value: 'pgaudit' }
  { name: 'azure.extensions', value: 'PGAUDIT,PGCRYPTO' }
  { name: 'pgaudit.log', value: 'DDL,ROLE,WRITE' }
  { name: 'pgaudit.log_parameter', value: 'off' }
  { name: 'pgaudit.log_relation', value: 'on' }
  { name: 'log_connections', value: 'on' }
  { name: 'log_disconnections', value: 'on' }
  { name: 'connection_throttle.enable', value: 'on' }
]

resource postgresServer 'Microsoft.DBforPostgreSQL/flexibleServers@2024-08-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: skuName
    tier: skuTier
  }
  properties: {
    version: postgresVersion
    authConfig: {
      activeDirectoryAuth: 'Enabled'
      passwordAuth: 'Disabled'
      tenantId: subscription().tenantId
    }
    network: {
      publicNetworkAccess: 'Disabled'
    }
    storage: {
      storageSizeGB: storageSizeGB
      autoGrow: 'Enabled'
    }
    backup: {
      backupRetentionDays: 35
      geoRedundantBackup: 'Enabled'
    }
    highAvailability: {
      mode: 'ZoneRedundant'
    }
    dataEncryption: {
      type: 'SystemManaged'
    }
  }
}

resource postgresServer_admin 'Microsoft.DBforPostgreSQL/flexibleServers/administrators@2024-08-01' = {
  parent: postgresServer
  name: entraAdminGroupObjectId
  properties: {
    principalName: entraAdminGroupName
    principalType: 'Group'
    tenantId: subscription().tenantId
  }
}

@batchSize(1)
resource postgresServer_parameters 'Microsoft.DBforPostgreSQL/flexibleServers/configurations@2024-08-01' = [
  for parameter in serverParameters: {
    parent: postgresServer
    name: parameter.name
    properties: {
      value: parameter.value
      source: 'user-override'
    }
    dependsOn: [postgresServer_admin]
  }
]

resource database 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2024-08-01' = {
  parent: postgresServer
  name: databaseName
  properties: {
    charset: 'UTF8'
    collation: 'en_US.utf8'
  }
  dependsOn: [postgresServer_parameters]
}

resource postgresServer_privateEndpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pep-${name}'
  location: location
  tags: tags
  properties: {
    subnet: { id: privateEndpointSubnetResourceId }
    privateLinkServiceConnections: [
      {
        name: 'postgresqlServer'
        properties: {
          privateLinkServiceId: postgresServer.id
          groupIds: ['postgresqlServer']
        }
      }
    ]
  }
  dependsOn: [database]
}

resource postgresServer_privateEndpoint_dns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: postgresServer_privateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'postgresqlServer'
        properties: { privateDnsZoneId: privateDnsZoneResourceIds['privatelink.postgres.database.azure.com'] }
      }
    ]
  }
}

resource postgresServer_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: postgresServer
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource postgresServer_lock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'lock-${name}'
  scope: postgresServer
  properties: {
    level: 'CanNotDelete'
    notes: 'EDS production analytics and audit trail.'
  }
}

@description('Resource id of the server.')
output resourceId string = postgresServer.id

@description('Fully qualified host name, given to the app as EDS_PG_HOST.')
output fullyQualifiedDomainName string = postgresServer.properties.fullyQualifiedDomainName

@description('Name of the application database, given to the app as EDS_PG_DATABASE.')
output databaseName string = database.name
