metadata name = 'EDS Azure SQL'
metadata description = 'Azure SQL logical server and database with Entra-only authentication, TLS 1.2, auditing to Log Analytics, transparent data encryption, Defender threat protection and a private endpoint.'

import { usRegion } from '../../types/common.bicep'

@description('Required. Globally unique logical server name.')
param name string

@description('Required. Azure region (US only).')
param location usRegion

@description('Optional. Tags applied to every resource.')
param tags object = {}

@description('Optional. Name of the application database.')
param databaseName string = 'eds'

@description('Optional. Database SKU name (vCore, e.g. GP_Gen5_2).')
param databaseSkuName string = 'GP_Gen5_2'

@description('Required. Display name of the Entra group that administers the server.')
param entraAdminGroupName string

@description('Required. Object id of the Entra group that administers the server.')
param entraAdminGroupObjectId string

@description('Required. Resource id of the Log Analytics workspace receiving diagnostics and audit events.')
param logAnalyticsWorkspaceResourceId string

@description('Required. Resource id of the subnet that holds private endpoints.')
param privateEndpointSubnetResourceId string

@description('Required. Private DNS zone resource ids keyed by zone name (network module output).')
param privateDnsZoneResourceIds object

@description('Required. Apply a CanNotDelete lock (production).')
param enableDeleteLock bool

resource sqlServer 'Microsoft.Sql/servers@2023-08-01' = {
  name: name
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    minimalTlsVersion: '1.2'
    publicNetworkAccess: 'Disabled'
    restrictOutboundNetworkAccess: 'Enabled'
    administrators: {
      administratorType: 'ActiveDirectory'
      azureADOnlyAuthentication: true
      login: entraAdminGroupName
      sid: entraAdminGroupObjectId
      tenantId: subscription().tenantId
      principalType: 'Group'
    }
  }
}

resource sqlServer_entraOnly 'Microsoft.Sql/servers/azureADOnlyAuthentications@2023-08-01' = {
  parent: sqlServer
  name: 'Default'
  properties: {
    azureADOnlyAuthentication: true
  }
}

resource database 'Microsoft.Sql/servers/databases@2023-08-01' = {
  parent: sqlServer
  name: databaseName
  location: location
  tags: tags
  sku: {
    name: databaseSkuName
  }
  properties: {
    zoneRedundant: true
    requestedBackupStorageRedundancy: 'Geo'
  }
}

resource database_tde 'Microsoft.Sql/servers/databases/transparentDataEncryption@2023-08-01' = {
  parent: database
  name: 'current'
  properties: {
    state: 'Enabled'
  }
}

resource masterDatabase 'Microsoft.Sql/servers/databases@2023-08-01' existing = {
  parent: sqlServer
  name: 'master'
}

resource sqlServer_auditing 'Microsoft.Sql/servers/auditingSettings@2023-08-01' = {
  parent: sqlServer
  name: 'default'
  properties: {
    state: 'Enabled'
    isAzureMonitorTargetEnabled: true
    isDevopsAuditEnabled: false
    auditActionsAndGroups: [
      'SUCCESSFUL_DATABASE_AUTHENTICATION_GROUP'
      'FAILED_DATABASE_AUTHENTICATION_GROUP'
      'BATCH_COMPLETED_GROUP'
      'DATABASE_PERMISSION_CHANGE_GROUP'
      'DATABASE_PRINCIPAL_CHANGE_GROUP'
      'DATABASE_ROLE_MEMBER_CHANGE_GROUP'
      'SCHEMA_OBJECT_PERMISSION_CHANGE_GROUP'
    ]
  }
  dependsOn: [masterDatabase_diagnosticSettings]
}

resource sqlServer_threatProtection 'Microsoft.Sql/servers/securityAlertPolicies@2023-08-01' = {
  parent: sqlServer
  name: 'Default'
  properties: {
    state: 'Enabled'
    emailAccountAdmins: true
  }
}

resource sqlServer_vulnerabilityAssessment 'Microsoft.Sql/servers/sqlVulnerabilityAssessments@2023-08-01' = {
  parent: sqlServer
  name: 'default'
  properties: {
    state: 'Enabled'
  }
  dependsOn: [sqlServer_threatProtection]
}

resource sqlServer_privateEndpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pep-${name}'
  location: location
  tags: tags
  properties: {
    subnet: { id: privateEndpointSubnetResourceId }
    privateLinkServiceConnections: [
      {
        name: 'sqlServer'
        properties: {
          privateLinkServiceId: sqlServer.id
          groupIds: ['sqlServer']
        }
      }
    ]
  }
}

resource sqlServer_privateEndpoint_dns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: sqlServer_privateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'sqlServer'
        properties: {
          privateDnsZoneId: privateDnsZoneResourceIds['privatelink${environment().suffixes.sqlServerHostname}']
        }
      }
    ]
  }
}

// Server audit events reach Azure Monitor through the master database's diagnostic setting.
resource masterDatabase_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: masterDatabase
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    logs: [{ category: 'SQLSecurityAuditEvents', enabled: true }]
  }
}

resource database_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: database
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'Basic', enabled: true }]
  }
}

resource sqlServer_lock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'lock-${name}'
  scope: sqlServer
  properties: {
    level: 'CanNotDelete'
    notes: 'EDS production transactional records.'
  }
}

@description('Resource id of the logical server.')
output resourceId string = sqlServer.id

@description('Fully qualified server host name, given to the app as EDS_SQL_SERVER.')
output fullyQualifiedDomainName string = sqlServer.properties.fullyQualifiedDomainName

@description('Name of the application database, given to the app as EDS_SQL_DATABASE.')
output databaseName string = database.name
