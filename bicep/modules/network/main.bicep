metadata name = 'EDS network'
metadata description = 'Virtual network with a delegated Function App integration subnet, a private endpoint subnet and an operations subnet, NAT egress, NSGs and the private DNS zones of every data service.'

import { usRegion } from '../../types/common.bicep'

@description('Required. Name prefix of the network resources.')
param name string

@description('Required. Azure region (US only).')
param location usRegion

@description('Optional. Tags applied to every resource.')
param tags object = {}

@description('Optional. Address space of the virtual network.')
param addressPrefix string = '10.40.0.0/22'

@description('Optional. Private DNS zones to create and link to the virtual network (Azure commercial cloud names).')
param privateDnsZoneNames array = [
  'privatelink.blob.${environment().suffixes.storage}'
  'privatelink.queue.${environment().suffixes.storage}'
  'privatelink.table.${environment().suffixes.storage}'
  'privatelink.vaultcore.azure.net'
  'privatelink${environment().suffixes.sqlServerHostname}'
  'privatelink.postgres.database.azure.com'
  'privatelink.documents.azure.com'
  'privatelink.servicebus.windows.net'
  'privatelink.webpubsub.azure.com'
  'privatelink.openai.azure.com'
  'privatelink.monitor.azure.com'
  'privatelink.oms.opinsights.azure.com'
  'privatelink.ods.opinsights.azure.com'
  'privatelink.agentsvc.azure-automation.net'
]

@description('Required. Resource id of the Log Analytics workspace receiving diagnostics.')
param logAnalyticsWorkspaceResourceId string

@description('Required. Apply CanNotDelete locks (production).')
param enableDeleteLock bool

var subnetPrefixes = {
  functionApp: cidrSubnet(addressPrefix, 24, 0)
  privateEndpoints: cidrSubnet(addressPrefix, 24, 1)
  operations: cidrSubnet(addressPrefix, 24, 2)
}

resource natPublicIp 'Microsoft.Network/publicIPAddresses@2024-05-01' = {
  name: 'pip-${name}-nat'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
    tier: 'Regional'
  }
  zones: ['1', '2', '3']
  properties: {
    publicIPAllocationMethod: 'Static'
    publicIPAddressVersion: 'IPv4'
  }
}

resource natGateway 'Microsoft.Network/natGateways@2024-05-01' = {
  name: 'ng-${name}'
  location: location
  tags: tags
  sku: {
    name: 'Standard'
  }
  properties: {
    idleTimeoutInMinutes: 4
    publicIpAddresses: [
      { id: natPublicIp.id }
    ]
  }
}

resource subnetNsg 'Microsoft.Network/networkSecurityGroups@2024-05-01' = {
  name: 'nsg-${name}'
  location: location
  tags: tags
  properties: {
    securityRules: [
      {
        name: 'deny-internet-inbound'
        properties: {
          priority: 4000
          direction: 'Inbound'
          access: 'Deny'
          protocol: '*'
          sourceAddressPrefix: 'Internet'
          sourcePortRange: '*'
          destinationAddressPrefix: '*'
          destinationPortRange: '*'
        }
      }
    ]
  }
}

resource virtualNetwork 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: 'vnet-${name}'
  location: location
  tags: tags
  properties: {
    addressSpace: {
      addressPrefixes: [addressPrefix]
    }
    subnets: [
      {
        name: 'snet-function-app'
        properties: {
          addressPrefix: subnetPrefixes.functionApp
          defaultOutboundAccess: false
          natGateway: { id: natGateway.id }
          networkSecurityGroup: { id: subnetNsg.id }
          delegations: [
            {
              name: 'flex-consumption'
              properties: { serviceName: 'Microsoft.App/environments' }
            }
          ]
        }
      }
      {
        name: 'snet-private-endpoints'
        properties: {
          addressPrefix: subnetPrefixes.privateEndpoints
          defaultOutboundAccess: false
          networkSecurityGroup: { id: subnetNsg.id }
          privateEndpointNetworkPolicies: 'Enabled'
        }
      }
      {
        name: 'snet-operations'
        properties: {
          addressPrefix: subnetPrefixes.operations
          defaultOutboundAccess: false
          natGateway: { id: natGateway.id }
          networkSecurityGroup: { id: subnetNsg.id }
        }
      }
    ]
  }
}

resource privateDnsZones 'Microsoft.Network/privateDnsZones@2020-06-01' = [
  for zoneName in privateDnsZoneNames: {
    name: zoneName
    location: 'global'
    tags: tags
  }
]

resource privateDnsZones_links 'Microsoft.Network/privateDnsZones/virtualNetworkLinks@2020-06-01' = [
  for (zoneName, index) in privateDnsZoneNames: {
    parent: privateDnsZones[index]
    name: 'link-${name}'
    location: 'global'
    tags: tags
    properties: {
      registrationEnabled: false
      virtualNetwork: { id: virtualNetwork.id }
    }
  }
]

resource natPublicIp_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: natPublicIp
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource natGateway_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: natGateway
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource subnetNsg_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: subnetNsg
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
  }
}

resource virtualNetwork_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: virtualNetwork
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource virtualNetwork_lock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'lock-vnet-${name}'
  scope: virtualNetwork
  properties: {
    level: 'CanNotDelete'
    notes: 'EDS production network: every private endpoint depends on it.'
  }
}

@description('Resource id of the virtual network.')
output virtualNetworkResourceId string = virtualNetwork.id

@description('Resource id of the subnet delegated to the Flex Consumption Function App.')
output functionAppSubnetResourceId string = virtualNetwork.properties.subnets[0].id

@description('Resource id of the subnet that holds every private endpoint.')
output privateEndpointSubnetResourceId string = virtualNetwork.properties.subnets[1].id

@description('Resource id of the operations subnet (self-hosted runner for database scripts).')
output operationsSubnetResourceId string = virtualNetwork.properties.subnets[2].id

@description('Private DNS zone resource ids keyed by zone name.')
output privateDnsZoneResourceIds object = toObject(privateDnsZoneNames, zoneName => zoneName, zoneName => resourceId('Microsoft.Network/privateDnsZones', zoneName))
