metadata name = 'EDS Azure OpenAI'
metadata description = 'Azure OpenAI account with local (key) auth off, no public access, restricted outbound, a private endpoint, and approved model deployments pinned by name and version with automatic upgrades off.'

import { usRegion, principalRoleAssignment } from '../../types/common.bicep'

@description('Required. Globally unique account name; also the custom subdomain Entra authentication needs.')
param name string

@description('Required. Azure region (US only).')
param location usRegion

@description('Optional. Tags applied to every resource.')
param tags object = {}

@description('Required. Model deployments: name, modelName, modelVersion and capacity (thousands of tokens per minute). Each model must be on the approved list in infra/policy.')
param deployments array

@description('Optional. Data-plane roles on the account (Cognitive Services OpenAI User).')
param roleAssignments principalRoleAssignment[] = []

@description('Required. Resource id of the Log Analytics workspace receiving diagnostics.')
param logAnalyticsWorkspaceResourceId string

@description('Required. Resource id of the subnet that holds private endpoints.')
param privateEndpointSubnetResourceId string

@description('Required. Private DNS zone resource ids keyed by zone name (network module output).')
param privateDnsZoneResourceIds object

@description('Required. Apply a CanNotDelete lock (production).')
param enableDeleteLock bool

var builtInRoleNames = {
  'Cognitive Services OpenAI User': subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd')
}

resource account 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: name
  location: location
  tags: tags
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Disabled'
    restrictOutboundNetworkAccess: true
    allowedFqdnList: []
    networkAcls: {
      defaultAction: 'Deny'
    }
  }
}

// Deployments are created one at a time: the service rejects parallel deployment writes.
@batchSize(1)
resource account_deployments 'Microsoft.CognitiveServices/accounts/deployments@2024-10-01' = [
  for deployment in deployments: {
    parent: account
    name: deployment.name
    sku: {
      // Standard keeps processing in the deployment's region (no global routing).
      name: 'Standard'
      capacity: deployment.capacity
    }
    properties: {
      model: {
        format: 'OpenAI'
        name: deployment.modelName
        version: deployment.modelVersion
      }
      versionUpgradeOption: 'NoAutoUpgrade'
      raiPolicyName: 'Microsoft.DefaultV2'
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
        name: 'account'
        properties: {
          privateLinkServiceId: account.id
          groupIds: ['account']
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
        name: 'openai'
        properties: { privateDnsZoneId: privateDnsZoneResourceIds['privatelink.openai.azure.com'] }
      }
    ]
  }
}

resource account_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: account
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource account_roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in roleAssignments: {
    name: guid(account.id, assignment.principalId, builtInRoleNames[assignment.roleName])
    scope: account
    properties: {
      roleDefinitionId: builtInRoleNames[assignment.roleName]
      principalId: assignment.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource account_lock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'lock-${name}'
  scope: account
  properties: {
    level: 'CanNotDelete'
    notes: 'EDS production model deployments.'
  }
}

@description('Resource id of the account.')
output resourceId string = account.id

@description('Endpoint, given to the app as EDS_OPENAI_ENDPOINT.')
output endpoint string = account.properties.endpoint
