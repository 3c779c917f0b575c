metadata name = 'EDS Key Vault'
metadata description = 'Key Vault with RBAC, purge protection, 90-day soft delete, deployment flags off and no public access, holding the field-encryption key-encryption key with a 90-day rotation policy.'

import { usRegion, principalRoleAssignment } from '../../types/common.bicep'

@minLength(3)
@maxLength(24)
@description('Required. Globally unique Key Vault name.')
param name string

@description('Required. Azure region (US only).')
param location usRegion

@description('Optional. Tags applied to every resource.')
param tags object = {}

@description('Optional. Name of the key-encryption key for RESTRICTED fields.')
param fieldKeyName string = 'eds-field-kek'

@description('Required. Resource id of the Log Analytics workspace receiving diagnostics.')
param logAnalyticsWorkspaceResourceId string

@description('Required. Resource id of the subnet that holds private endpoints.')
param privateEndpointSubnetResourceId string

@description('Required. Private DNS zone resource ids keyed by zone name (network module output).')
param privateDnsZoneResourceIds object

@description('Optional. Data-plane roles on the vault (Key Vault Secrets User for the search API key secret).')
param roleAssignments principalRoleAssignment[] = []

@description('Optional. Data-plane roles on the field-encryption key only (Key Vault Crypto User).')
param fieldKeyRoleAssignments principalRoleAssignment[] = []

@description('Required. Apply a CanNotDelete lock (production).')
param enableDeleteLock bool

var builtInRoleNames = {
  'Key Vault Secrets User': subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
  'Key Vault Crypto User': subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '12338af0-0e69-4776-bea7-57ae8d297424')
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'premium'
    }
    enableRbacAuthorization: true
    enablePurgeProtection: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enabledForDeployment: false
    enabledForDiskEncryption: false
    enabledForTemplateDeployment: false
    publicNetworkAccess: 'Disabled'
    networkAcls: {
      defaultAction: 'Deny'
      bypass: 'None'
    }
  }
}

resource fieldKey 'Microsoft.KeyVault/vaults/keys@2023-07-01' = {
  parent: keyVault
  name: fieldKeyName
  properties: {
    kty: 'RSA-HSM'
    keySize: 3072
    keyOps: ['wrapKey', 'unwrapKey']
    attributes: {
      enabled: true
      exportable: false
    }
    rotationPolicy: {
      attributes: {
        expiryTime: 'P1Y'
      }
      lifetimeActions: [
        {
          trigger: { timeAfterCreate: 'P90D' }
          action: { type: 'rotate' }
        }
        {
          trigger: { timeBeforeExpiry: 'P30D' }
          action: { type: 'notify' }
        }
      ]
    }
  }
}

resource keyVault_privateEndpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pep-${name}'
  location: location
  tags: tags
  properties: {
    subnet: { id: privateEndpointSubnetResourceId }
    privateLinkServiceConnections: [
      {
        name: 'vault'
        properties: {
          privateLinkServiceId: keyVault.id
          groupIds: ['vault']
        }
      }
    ]
  }
}

resource keyVault_privateEndpoint_dns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: keyVault_privateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'vault'
        properties: { privateDnsZoneId: privateDnsZoneResourceIds['privatelink.vaultcore.azure.net'] }
      }
    ]
  }
}

resource keyVault_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: keyVault
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource keyVault_roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in roleAssignments: {
    name: guid(keyVault.id, assignment.principalId, builtInRoleNames[assignment.roleName])
    scope: keyVault
    properties: {
      roleDefinitionId: builtInRoleNames[assignment.roleName]
      principalId: assignment.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource fieldKey_roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in fieldKeyRoleAssignments: {
    name: guid(fieldKey.id, assignment.principalId, builtInRoleNames[assignment.roleName])
    scope: fieldKey
    properties: {
      roleDefinitionId: builtInRoleNames[assignment.roleName]
      principalId: assignment.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource keyVault_lock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'lock-${name}'
  scope: keyVault
  properties: {
    level: 'CanNotDelete'
    notes: 'EDS production Key Vault: losing it makes every RESTRICTED field unreadable.'
  }
}

@description('Resource id of the vault.')
output resourceId string = keyVault.id

@description('Vault URI, given to the app as EDS_KEYVAULT_URL.')
output vaultUri string = keyVault.properties.vaultUri

@description('Name of the field-encryption key, given to the app as EDS_KEYVAULT_KEY_NAME.')
output fieldKeyName string = fieldKey.name
