metadata name = 'EDS Web PubSub'
metadata description = 'Web PubSub with local (access key) auth off; browsers may open client connections from the internet, while the server REST API is reachable only through the private endpoint.'

import { usRegion, principalRoleAssignment } from '../../types/common.bicep'

@description('Required. Globally unique service name.')
param name string

@description('Required. Azure region (US only).')
param location usRegion

@description('Optional. Tags applied to every resource.')
param tags object = {}

@description('Optional. Unit count of the Standard_S1 SKU.')
param capacity int = 1

@description('Optional. Data-plane roles on the service (Web PubSub Service Owner for the negotiate endpoint).')
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
  'Web PubSub Service Owner': subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '12cf5a90-567b-43ae-8102-96cf46c7d9b4')
}

var privateEndpointName = 'pep-${name}'

// Public network access stays on for one request type only: browser client connections, which
// carry a short-lived token from the authenticated negotiate endpoint. Everything else is denied.
resource webPubSub 'Microsoft.SignalRService/webPubSub@2024-03-01' = {
  name: name
  location: location
  tags: tags
  sku: {
    name: 'Standard_S1'
    tier: 'Standard'
    capacity: capacity
  }
  properties: {
    disableLocalAuth: true
    disableAadAuth: false
    publicNetworkAccess: 'Enabled'
    tls: {
      clientCertEnabled: false
    }
    networkACLs: {
      // Private endpoints fall under the default action; the public network is listed explicitly.
      defaultAction: 'Allow'
      publicNetwork: {
        allow: ['ClientConnection']
        deny: ['ServerConnection', 'RESTAPI', 'Trace']
      }
    }
  }
}

resource webPubSub_privateEndpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: privateEndpointName
  location: location
  tags: tags
  properties: {
    subnet: { id: privateEndpointSubnetResourceId }
    privateLinkServiceConnections: [
      {
        name: 'webpubsub'
        properties: {
          privateLinkServiceId: webPubSub.id
          groupIds: ['webpubsub']
        }
      }
    ]
  }
}

resource webPubSub_privateEndpoint_dns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: webPubSub_privateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      {
        name: 'webpubsub'
        properties: { privateDnsZoneId: privateDnsZoneResourceIds['privatelink.webpubsub.azure.com'] }
      }
    ]
  }
}

resource webPubSub_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: webPubSub
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource webPubSub_roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in roleAssignments: {
    name: guid(webPubSub.id, assignment.principalId, builtInRoleNames[assignment.roleName])
    scope: webPubSub
    properties: {
      roleDefinitionId: builtInRoleNames[assignment.roleName]
      principalId: assignment.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource webPubSub_lock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'lock-${name}'
  scope: webPubSub
  properties: {
    level: 'CanNotDelete'
    notes: 'EDS production realtime hub.'
  }
}

@description('Resource id of the service.')
output resourceId string = webPubSub.id

@description('Service endpoint, given to the app as EDS_WEBPUBSUB_ENDPOINT.')
output endpoint string = 'https://${webPubSub.properties.hostName}'
