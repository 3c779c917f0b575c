metadata name = 'EDS Function App (Flex Consumption)'
metadata description = 'Flex Consumption plan and Linux Function App (Node.js 20) running as a user-assigned managed identity, integrated with a VNet that carries all outbound traffic, with identity-based host storage, HTTPS and TLS 1.2 only, and basic publishing credentials off.'

import { usRegion } from '../../types/common.bicep'

@description('Required. Globally unique Function App name.')
param name string

@description('Required. Azure region (US only).')
param location usRegion

@description('Optional. Tags applied to every resource.')
param tags object = {}

@description('Required. Resource id of the user-assigned managed identity the app runs as.')
param identityResourceId string

@description('Required. Client id of that identity (AZURE_CLIENT_ID and every __clientId setting).')
param identityClientId string

@description('Required. Name of the host storage account (identity-based AzureWebJobsStorage).')
param storageAccountName string

@description('Required. Blob endpoint of the host storage account.')
param storageBlobEndpoint string

@description('Required. Container that holds the deployment package.')
param deploymentContainerName string

@description('Required. Application Insights connection string (an endpoint, not a credential: local auth is off).')
param appInsightsConnectionString string

@description('Required. Resource id of the subnet delegated to Microsoft.App/environments.')
param integrationSubnetResourceId string

@description('Required. Application settings (identity-based; no connection string or key), merged with the host settings this module sets.')
param appSettings object

@description('Optional. Browser origins allowed by CORS.')
param corsAllowedOrigins array = []

@minValue(1)
@maxValue(1000)
@description('Optional. Maximum scale-out instance count.')
param maximumInstanceCount int = 100

@allowed([2048, 4096])
@description('Optional. Instance memory in MB.')
param instanceMemoryMB int = 2048

@description('Required. Resource id of the Log Analytics workspace receiving diagnostics.')
param logAnalyticsWorkspaceResourceId string

@description('Required. Apply a CanNotDelete lock (production).')
param enableDeleteLock bool

@description('Optional. Id of the Front Door profile in front of the app (its X-Azure-FDID). When set, the app takes traffic only from that profile: service tag AzureFrontDoor.Backend with that header value; everything else, direct callers included, gets 403. Empty leaves the app open to any caller.')
param frontDoorId string = ''

var hostSettings = {
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  AZURE_CLIENT_ID: identityClientId
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: 'asp-${name}'
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    reserved: true
  }
}

// Every secure value is set here explicitly: passing a siteConfig object replaces the platform
// defaults rather than merging with them.
resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityResourceId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientAffinityEnabled: false
    // The HTTP API is the product's front door; every call needs an Entra bearer token.
    publicNetworkAccess: 'Enabled'
    virtualNetworkSubnetId: integrationSubnetResourceId
    vnetRouteAllEnabled: true
    keyVaultReferenceIdentity: identityResourceId
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityResourceId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '20'
      }
    }
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
      remoteDebuggingEnabled: false
      cors: {
        allowedOrigins: corsAllowedOrigins
        supportCredentials: false
      }
      // Behind Front Door the rate limit trusts the address Front Door appends, which only holds
      // if nothing but Front Door (this profile, not any other customer's) can reach the app.
      ipSecurityRestrictionsDefaultAction: empty(frontDoorId) ? 'Allow' : 'Deny'
      ipSecurityRestrictions: empty(frontDoorId)
        ? []
        : [
            {
              name: 'front-door-only'
              description: 'Traffic from this Front Door profile only'
              action: 'Allow'
              priority: 100
              tag: 'ServiceTag'
              ipAddress: 'AzureFrontDoor.Backend'
              headers: {
                'x-azure-fdid': [
                  frontDoorId
                ]
              }
            }
          ]
      appSettings: [
        for setting in items(union(appSettings, hostSettings)): {
          name: setting.key
          value: setting.value
        }
      ]
    }
  }
}

resource functionApp_ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource functionApp_scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: functionApp
  name: 'scm'
  properties: {
    allow: false
  }
}

resource plan_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: plan
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource functionApp_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: functionApp
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource functionApp_lock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'lock-${name}'
  scope: functionApp
  properties: {
    level: 'CanNotDelete'
    notes: 'EDS production Function App.'
  }
}

resource plan_lock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'lock-asp-${name}'
  scope: plan
  properties: {
    level: 'CanNotDelete'
    notes: 'EDS production hosting plan.'
  }
}

@description('Resource id of the Function App.')
output resourceId string = functionApp.id

@description('Default host name of the Function App.')
output defaultHostName string = functionApp.properties.defaultHostName
