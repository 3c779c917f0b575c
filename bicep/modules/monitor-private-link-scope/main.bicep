metadata name = 'Azure Monitor Private Link Scope'
metadata description = 'Private Link Scope that makes Log Analytics and Application Insights ingestion private-only, with its private endpoint and DNS zone group.'

import { usRegion } from '../../types/common.bicep'

@description('Required. Name suffix of the private link scope.')
param name string

@description('Required. Azure region of the private endpoint (US only).')
param location usRegion

@description('Optional. Tags applied to every resource.')
param tags object = {}

@description('Required. Resource id of the Log Analytics workspace to scope.')
param logAnalyticsWorkspaceResourceId string

@description('Required. Resource id of Application Insights to scope.')
param appInsightsResourceId string

@description('Required. Resource id of the subnet that holds private endpoints.')
param privateEndpointSubnetResourceId string

@description('Required. Private DNS zone resource ids keyed by zone name (network module output).')
param privateDnsZoneResourceIds object

var monitorDnsZoneNames = [
  'privatelink.monitor.azure.com'
  'privatelink.oms.opinsights.azure.com'
  'privatelink.ods.opinsights.azure.com'
  'privatelink.agentsvc.azure-automation.net'
  'privatelink.blob.${environment().suffixes.storage}'
]

resource privateLinkScope 'Microsoft.Insights/privateLinkScopes@2021-07-01-preview' = {
  name: 'ampls-${name}'
  location: 'global'
  tags: tags
  properties: {
    accessModeSettings: {
      ingestionAccessMode: 'PrivateOnly'
      queryAccessMode: 'Open'
    }
  }
}

resource privateLinkScope_workspace 'Microsoft.Insights/privateLinkScopes/scopedResources@2021-07-01-preview' = {
  parent: privateLinkScope
  name: 'workspace'
  properties: {
    linkedResourceId: logAnalyticsWorkspaceResourceId
  }
}

resource privateLinkScope_appInsights 'Microsoft.Insights/privateLinkScopes/scopedResources@2021-07-01-preview' = {
  parent: privateLinkScope
  name: 'app-insights'
  properties: {
    linkedResourceId: appInsightsResourceId
  }
}

resource privateLinkScope_privateEndpoint 'Microsoft.Network/privateEndpoints@2024-05-01' = {
  name: 'pep-ampls-${name}'
  location: location
  tags: tags
  properties: {
    subnet: { id: privateEndpointSubnetResourceId }
    privateLinkServiceConnections: [
      {
        name: 'azuremonitor'
        properties: {
          privateLinkServiceId: privateLinkScope.id
          groupIds: ['azuremonitor']
        }
      }
    ]
  }
  dependsOn: [privateLinkScope_workspace, privateLinkScope_appInsights]
}

resource privateLinkScope_privateEndpoint_dns 'Microsoft.Network/privateEndpoints/privateDnsZoneGroups@2024-05-01' = {
  parent: privateLinkScope_privateEndpoint
  name: 'default'
  properties: {
    privateDnsZoneConfigs: [
      for zoneName in monitorDnsZoneNames: {
        name: replace(zoneName, '.', '-')
        properties: { privateDnsZoneId: privateDnsZoneResourceIds[zoneName] }
      }
    ]
  }
}

@description('Resource id of the private link scope.')
output resourceId string = privateLinkScope.id
