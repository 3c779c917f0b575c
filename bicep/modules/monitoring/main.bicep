metadata name = 'EDS monitoring'
metadata description = 'Log Analytics workspace and workspace-based Application Insights with local (key) auth off, 12 months of interactive retention; ingestion is private through the monitor-private-link-scope module.'

import { usRegion, principalRoleAssignment } from '../../types/common.bicep'

@description('Required. Name prefix of the monitoring resources.')
param name string

@description('Required. Azure region (US only).')
param location usRegion

@description('Optional. Tags applied to every resource.')
param tags object = {}

@minValue(365)
@maxValue(730)
@description('Optional. Interactive (active) retention in days; OMB M-21-31 requires at least 12 months.')
param retentionInDays int = 365

@description('Optional. Data-plane roles on Application Insights (Monitoring Metrics Publisher for the app identity).')
param roleAssignments principalRoleAssignment[] = []

@description('Required. Apply CanNotDelete locks (production).')
param enableDeleteLock bool

var builtInRoleNames = {
  'Monitoring Metrics Publisher': subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '3913510d-42f4-4e42-8a64-420c390055eb')
}

resource workspace 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: 'log-${name}'
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
    features: {
      disableLocalAuth: true
      enableLogAccessUsingOnlyResourcePermissions: true
    }
    // Ingestion only through the private link scope; queries stay Entra-authenticated from the portal.
    publicNetworkAccessForIngestion: 'Disabled'
    publicNetworkAccessForQuery: 'Enabled'
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: 'appi-${name}'
  location: location
  tags: tags
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
    DisableLocalAuth: true
    DisableIpMasking: false
    RetentionInDays: retentionInDays
    publicNetworkAccessForIngestion: 'Disabled'
    publicNetworkAccessForQuery: 'Enabled'
  }
}

resource workspace_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: workspace
  properties: {
    workspaceId: workspace.id
    logs: [{ categoryGroup: 'audit', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource appInsights_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: appInsights
  properties: {
    workspaceId: workspace.id
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource appInsights_roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in roleAssignments: {
    name: guid(appInsights.id, assignment.principalId, builtInRoleNames[assignment.roleName])
    scope: appInsights
    properties: {
      roleDefinitionId: builtInRoleNames[assignment.roleName]
      principalId: assignment.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource workspace_lock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'lock-log-${name}'
  scope: workspace
  properties: {
    level: 'CanNotDelete'
    notes: 'EDS production audit and operational logs (12 months retention).'
  }
}

resource appInsights_lock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'lock-appi-${name}'
  scope: appInsights
  properties: {
    level: 'CanNotDelete'
    notes: 'EDS production telemetry.'
  }
}

@description('Resource id of the Log Analytics workspace.')
output workspaceResourceId string = workspace.id

@description('Resource id of Application Insights.')
output appInsightsResourceId string = appInsights.id

@description('Application Insights connection string: an ingestion endpoint and resource identifier, not a credential, because local auth is off and ingestion needs an Entra token.')
output appInsightsConnectionString string = appInsights.properties.ConnectionString
