metadata name = 'EDS storage account'
metadata description = 'Storage for the Functions host and deployment package, with shared keys off, Entra (OAuth) by default, TLS 1.2, no public access, and an immutable (WORM) container for audit checkpoints.'

import { usRegion, principalRoleAssignment } from '../../types/common.bicep'

@minLength(3)
@maxLength(24)
@description('Required. Globally unique storage account name (lower-case letters and digits).')
param name string

@description('Required. Azure region (US only).')
param location usRegion

@description('Optional. Tags applied to every resource.')
param tags object = {}

@description('Optional. Name of the container that holds the Flex Consumption deployment package.')
param deploymentContainerName string = 'app-package'

@description('Optional. Name of the immutable container that holds signed audit checkpoints.')
param auditContainerName string = 'audit-checkpoints'

@minValue(2190)
@maxValue(3650)
@description('Optional. Days each audit checkpoint version stays immutable (at least six years, the federal financial records schedule).')
param auditRetentionDays int = 2557

@description('Required. Resource id of the Log Analytics workspace receiving diagnostics.')
param logAnalyticsWorkspaceResourceId string

@description('Required. Resource id of the subnet that holds private endpoints.')
param privateEndpointSubnetResourceId string

@description('Required. Private DNS zone resource ids keyed by zone name (network module output).')
param privateDnsZoneResourceIds object

@description('Optional. Data-plane roles on the storage account (the Functions host identity).')
param roleAssignments principalRoleAssignment[] = []

@description('Required. Apply a CanNotDelete lock (production).')
param enableDeleteLock bool

// The Functions host needs Blob Data Owner on its storage account (host locks and keys
// containers). Audit checkpoints stay tamper-proof regardless: the container is immutable (WORM).
var builtInRoleNames = {
  'Storage Blob Data Owner': subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b')
}

var privateEndpointServices = ['blob']

resource storageAccount 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  tags: tags
  kind: 'StorageV2'
  sku: {
    name: 'Standard_ZRS'
  }
  properties: {
    accessTier: 'Hot'
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    allowBlobPublicAccess: false
    allowCrossTenantReplication: false
    publicNetworkAccess: 'Disabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'None'
    }
    encryption: {
      keySource: 'Microsoft.Storage'
      requireInfrastructureEncryption: true
      services: {
        blob: { enabled: true, keyType: 'Account' }
        queue: { enabled: true, keyType: 'Account' }
        table: { enabled: true, keyType: 'Account' }
        file: { enabled: true, keyType: 'Account' }
      }
    }
  }
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: storageAccount
  name: 'default'
  properties: {
    // Version-level immutability needs versioning on the account.
    isVersioningEnabled: true
    deleteRetentionPolicy: { enabled: true, days: 30 }
    containerDeleteRetentionPolicy: { enabled: true, days: 30 }
  }
}

resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
}

resource auditContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobService
  name: auditContainerName
  properties: {
    publicAccess: 'None'
    immutableStorageWithVersioning: {
      enabled: true
    }
  }
}

// LIMITATION: the policy is created unlocked; locking it is irreversible, so infra/README.md
// lists `az storage container immutability-policy lock` as a one-time production step.
resource auditContainer_immutabilityPolicy 'Microsoft.Storage/storageAccounts/blobServices/containers/immutabilityPolicies@2023-05-01' = {
  parent: auditContainer
  name: 'default'
  properties: {
    immutabilityPeriodSinceCreationInDays: auditRetentionDays
    allowProtectedAppendWrites: false
  }
}

resource storageAccount_privateEndpoints 'Microsoft.Network/privateEndpoints@2024-05-01' = [
  for service in privateEndpointServices: {
    name: 'pep-${name}-${service}'
    location: location
    tags: tags
    properties: {
      subnet: { id: privateEndpointSubnetResourceId }
      privateLinkServiceConnections: [
        {
          name: service
          properties: {
            privateLinkServiceId: storageAccount.id
            groupIds: [service]
          }
        }
      ]
    }
  }
]

resource storageAccount_privateEndpoints_dns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = [
  for (service, index) in privateEndpointServices: {
    parent: storageAccount_privateEndpoints[index]
    name: 'default'
    properties: {
      privateDnsZoneConfigs: [
        {
          name: service
          properties: {
            privateDnsZoneId: privateDnsZoneResourceIds['privatelink.${service}.${environment().suffixes.storage}']
          }
        }
      ]
    }
  }
]

resource storageAccount_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: storageAccount
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    metrics: [{ category: 'Transaction', enabled: true }]
  }
}

resource blobService_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: blobService
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'Transaction', enabled: true }]
  }
}

resource storageAccount_roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in roleAssignments: {
    name: guid(storageAccount.id, assignment.principalId, builtInRoleNames[assignment.roleName])
    scope: storageAccount
    properties: {
      roleDefinitionId: builtInRoleNames[assignment.roleName]
      principalId: assignment.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource storageAccount_lock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'lock-${name}'
  scope: storageAccount
  properties: {
    level: 'CanNotDelete'
    notes: 'EDS production storage: holds the immutable audit checkpoints.'
  }
}

@description('Resource id of the storage account.')
output resourceId string = storageAccount.id

@description('Name of the storage account.')
output name string = storageAccount.name

@description('Blob endpoint of the storage account.')
output blobEndpoint string = storageAccount.properties.primaryEndpoints.blob

@description('Name of the deployment package container.')
output deploymentContainerName string = deploymentContainer.name

@description('Name of the immutable audit checkpoint container.')
output auditContainerName string = auditContainer.name
