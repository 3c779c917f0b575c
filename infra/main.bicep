metadata name = 'EDS deployment'
metadata description = 'Deploys EDS into a US region: the resource group, every resource through resources.bicep, and the NIST SP 800-53 Rev. 5 and allowed-locations policy assignments.'

targetScope = 'subscription'

import { usRegion } from '../bicep/types/common.bicep'

@allowed(['dev', 'prod'])
@description('Required. Deployment environment; prod adds CanNotDelete locks.')
param environmentName string

@description('Required. Azure region (US only).')
param location usRegion

@minLength(2)
@maxLength(8)
@description('Optional. Short workload name used in resource names.')
param workloadName string = 'eds'

@description('Required. Display name of the Entra group that administers Azure SQL and PostgreSQL.')
param databaseAdminGroupName string

@description('Required. Object id of that Entra group.')
param databaseAdminGroupObjectId string

@description('Required. Application (client) id URI the API accepts as token audience (EDS_AUDIENCE).')
param apiAudience string

@description('Optional. Browser origins allowed to call the API.')
param corsAllowedOrigins array = []

@description('Required. HTTPS endpoint of the Elasticsearch deployment (EDS_SEARCH_ENDPOINT).')
param searchEndpoint string

@description('Optional. Name of the Key Vault secret holding the Elasticsearch API key; the value is set out of band (infra/README.md).')
param searchApiKeySecretName string = 'eds-search-api-key'

@description('Optional. Custom email sender domain; empty uses an Azure-managed domain.')
param customEmailDomain string = ''

@description('Optional. Azure OpenAI deployments; each model must be on the approved list (infra/policy/known-ids.ts).')
param openAiDeployments array = [
  { name: 'chat', modelName: 'gpt-4o', modelVersion: '2024-11-20', capacity: 30 }
  { name: 'embeddings', modelName: 'text-embedding-3-large', modelVersion: '1', capacity: 30 }
]

@description('Optional. Id of the Front Door profile (its X-Azure-FDID) that fronts the API. When set, the Function App takes traffic from that profile only and the rate limit reads the client address Front Door saw; empty leaves the app open to direct callers.')
param frontDoorId string = ''

@description('Optional. Tags applied to every resource.')
param tags object = {}

var isProduction = environmentName == 'prod'
var allTags = union(tags, { workload: workloadName, environment: environmentName, 'data-classification': 'FISMA-MODERATE' })

// Built-in definitions (tenant-level resources). Names are checked against ids by infra/policy.
var policyDefinitionIds = {
  'NIST SP 800-53 Rev. 5': tenantResourceId('Microsoft.Authorization/policySetDefinitions', '179d1daa-458f-4e47-8086-2a68d0d6c38f')
  'Allowed locations': tenantResourceId('Microsoft.Authorization/policyDefinitions', 'e56962a6-4747-49cd-b67b-bf8b01975c4c')
}

resource appResourceGroup 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${workloadName}-${environmentName}'
  location: location
  tags: allTags
}

module resources 'resources.bicep' = {
  scope: appResourceGroup
  name: 'eds-resources'
  params: {
    environmentName: environmentName
    location: location
    workloadName: workloadName
    tags: allTags
    enableDeleteLock: isProduction
    databaseAdminGroupName: databaseAdminGroupName
    databaseAdminGroupObjectId: databaseAdminGroupObjectId
    apiAudience: apiAudience
    corsAllowedOrigins: corsAllowedOrigins
    searchEndpoint: searchEndpoint
    searchApiKeySecretName: searchApiKeySecretName
    customEmailDomain: customEmailDomain
    openAiDeployments: openAiDeployments
    frontDoorId: frontDoorId
  }
}

module nistAssignment '../bicep/modules/policy-assignment/main.bicep' = {
  scope: appResourceGroup
  name: 'eds-policy-nist-800-53-r5'
  params: {
    name: 'nist-sp-800-53-r5'
    displayName: 'NIST SP 800-53 Rev. 5 (EDS ${environmentName})'
    policyDefinitionId: policyDefinitionIds['NIST SP 800-53 Rev. 5']
    location: location
  }
}

module allowedLocationsAssignment '../bicep/modules/policy-assignment/main.bicep' = {
  scope: appResourceGroup
  name: 'eds-policy-allowed-locations'
  params: {
    name: 'eds-allowed-locations'
    displayName: 'EDS resources stay in US regions'
    policyDefinitionId: policyDefinitionIds['Allowed locations']
    parameters: {
      listOfAllowedLocations: {
        value: [location, 'global']
      }
    }
    location: location
  }
}

@description('Name of the resource group.')
output resourceGroupName string = appResourceGroup.name

@description('Name of the Function App.')
output functionAppName string = resources.outputs.functionAppName

@description('Names the database scripts need (infra/scripts/grant-database-access.sh).')
output databaseAccess object = resources.outputs.databaseAccess
