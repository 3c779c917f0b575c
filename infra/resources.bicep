metadata name = 'EDS resources'
metadata description = 'Composes the EDS modules in one resource group: identity, monitoring, network, data services with private endpoints, the Function App and its least-privilege data-plane roles.'

import { usRegion } from '../bicep/types/common.bicep'

@allowed(['dev', 'prod'])
@description('Required. Deployment environment.')
param environmentName string

@description('Required. Azure region (US only).')
param location usRegion

@description('Required. Short workload name used in resource names.')
param workloadName string

@description('Required. Tags applied to every resource.')
param tags object

@description('Required. Apply CanNotDelete locks (true in prod).')
param enableDeleteLock bool

@description('Required. Display name of the Entra group that administers Azure SQL and PostgreSQL.')
param databaseAdminGroupName string

@description('Required. Object id of that Entra group.')
param databaseAdminGroupObjectId string

@description('Required. Token audience the API accepts (EDS_AUDIENCE).')
param apiAudience string

@description('Required. Browser origins allowed to call the API.')
param corsAllowedOrigins array

@description('Required. HTTPS endpoint of the Elasticsearch deployment.')
param searchEndpoint string

@description('Required. Name of the Key Vault secret holding the Elasticsearch API key.')
param searchApiKeySecretName string

@description('Required. Custom email sender domain; empty uses an Azure-managed domain.')
param customEmailDomain string

@description('Required. Azure OpenAI deployments (approved models only).')
param openAiDeployments array

@description('Required. Id of the Front Door profile in front of the Function App; empty for none.')
param frontDoorId string

var baseName = '${workloadName}-${environmentName}'
var suffix = take(uniqueString(subscription().id, resourceGroup().id), 6)
var compactName = toLower('${workloadName}${environmentName}${suffix}')
var tenantId = subscription().tenantId
var loginEndpoint = environment().authentication.loginEndpoint

module identity '../bicep/modules/managed-identity/main.bicep' = {
  name: 'eds-identity'
  params: {
    name: 'id-${baseName}'
    location: location
    tags: tags
    enableDeleteLock: enableDeleteLock
  }
}

module monitoring '../bicep/modules/monitoring/main.bicep' = {
  name: 'eds-monitoring'
  params: {
    name: baseName
    location: location
    tags: tags
    retentionInDays: 365
    enableDeleteLock: enableDeleteLock
    roleAssignments: [
      { roleName: 'Monitoring Metrics Publisher', principalId: identity.outputs.principalId }
    ]
  }
}

module network '../bicep/modules/network/main.bicep' = {
  name: 'eds-network'
  params: {
    name: baseName
    location: location
    tags: tags
    logAnalyticsWorkspaceResourceId: monitoring.outputs.workspaceResourceId
    enableDeleteLock: enableDeleteLock
  }
}

module monitorPrivateLink '../bicep/modules/monitor-private-link-scope/main.bicep' = {
  name: 'eds-monitor-private-link'
  params: {
    name: baseName
    location: location
    tags: tags
    logAnalyticsWorkspaceResourceId: monitoring.outputs.workspaceResourceId
    appInsightsResourceId: monitoring.outputs.appInsightsResourceId
    privateEndpointSubnetResourceId: network.outputs.privateEndpointSubnetResourceId
    privateDnsZoneResourceIds: network.outputs.privateDnsZoneResourceIds
  }
}

module storage '../bicep/modules/storage-account/main.bicep' = {
  name: 'eds-storage'
  params: {
    name: 'st${compactName}'
    location: location
    tags: tags
    logAnalyticsWorkspaceResourceId: monitoring.outputs.workspaceResourceId
    privateEndpointSubnetResourceId: network.outputs.privateEndpointSubnetResourceId
    privateDnsZoneResourceIds: network.outputs.privateDnsZoneResourceIds
    enableDeleteLock: enableDeleteLock
    roleAssignments: [
      { roleName: 'Storage Blob Data Owner', principalId: identity.outputs.principalId }
    ]
  }
}

module keyVault '../bicep/modules/key-vault/main.bicep' = {
  name: 'eds-key-vault'
  params: {
    name: 'kv${compactName}'
    location: location
    tags: tags
    logAnalyticsWorkspaceResourceId: monitoring.outputs.workspaceResourceId
    privateEndpointSubnetResourceId: network.outputs.privateEndpointSubnetResourceId
    privateDnsZoneResourceIds: network.outputs.privateDnsZoneResourceIds
    enableDeleteLock: enableDeleteLock
    roleAssignments: [
      { roleName: 'Key Vault Secrets User', principalId: identity.outputs.principalId }
    ]
    fieldKeyRoleAssignments: [
      { roleName: 'Key Vault Crypto User', principalId: identity.outputs.principalId }
    ]
  }
}

module sql '../bicep/modules/sql-server/main.bicep' = {
  name: 'eds-sql'
  params: {
    name: 'sql-${baseName}-${suffix}'
    location: location
    tags: tags
    entraAdminGroupName: databaseAdminGroupName
    entraAdminGroupObjectId: databaseAdminGroupObjectId
    logAnalyticsWorkspaceResourceId: monitoring.outputs.workspaceResourceId
    privateEndpointSubnetResourceId: network.outputs.privateEndpointSubnetResourceId
    privateDnsZoneResourceIds: network.outputs.privateDnsZoneResourceIds
    enableDeleteLock: enableDeleteLock
  }
}

module postgres '../bicep/modules/postgres-flexible-server/main.bicep' = {
  name: 'eds-postgres'
  params: {
    name: 'psql-${baseName}-${suffix}'
    location: location
    tags: tags
    entraAdminGroupName: databaseAdminGroupName
    entraAdminGroupObjectId: databaseAdminGroupObjectId
    logAnalyticsWorkspaceResourceId: monitoring.outputs.workspaceResourceId
    privateEndpointSubnetResourceId: network.outputs.privateEndpointSubnetResourceId
    privateDnsZoneResourceIds: network.outputs.privateDnsZoneResourceIds
    enableDeleteLock: enableDeleteLock
  }
}

module cosmos '../bicep/modules/cosmos-db/main.bicep' = {
  name: 'eds-cosmos'
  params: {
    name: 'cosmos-${baseName}-${suffix}'
    location: location
    tags: tags
    dataContributorPrincipalIds: [identity.outputs.principalId]
    logAnalyticsWorkspaceResourceId: monitoring.outputs.workspaceResourceId
    privateEndpointSubnetResourceId: network.outputs.privateEndpointSubnetResourceId
    privateDnsZoneResourceIds: network.outputs.privateDnsZoneResourceIds
    enableDeleteLock: enableDeleteLock
  }
}

module serviceBus '../bicep/modules/service-bus/main.bicep' = {
  name: 'eds-service-bus'
  params: {
    name: 'sb-${baseName}-${suffix}'
    location: location
    tags: tags
    queueRoleAssignments: [
      { roleName: 'Azure Service Bus Data Sender', principalId: identity.outputs.principalId }
      { roleName: 'Azure Service Bus Data Receiver', principalId: identity.outputs.principalId }
    ]
    logAnalyticsWorkspaceResourceId: monitoring.outputs.workspaceResourceId
    privateEndpointSubnetResourceId: network.outputs.privateEndpointSubnetResourceId
    privateDnsZoneResourceIds: network.outputs.privateDnsZoneResourceIds
    enableDeleteLock: enableDeleteLock
  }
}

module webPubSub '../bicep/modules/web-pubsub/main.bicep' = {
  name: 'eds-web-pubsub'
  params: {
    name: 'wps-${baseName}-${suffix}'
    location: location
    tags: tags
    roleAssignments: [
      { roleName: 'Web PubSub Service Owner', principalId: identity.outputs.principalId }
    ]
    logAnalyticsWorkspaceResourceId: monitoring.outputs.workspaceResourceId
    privateEndpointSubnetResourceId: network.outputs.privateEndpointSubnetResourceId
    privateDnsZoneResourceIds: network.outputs.privateDnsZoneResourceIds
    enableDeleteLock: enableDeleteLock
  }
}

module email '../bicep/modules/communication-services/main.bicep' = {
  name: 'eds-email'
  params: {
    name: '${baseName}-${suffix}'
    tags: tags
    customEmailDomain: customEmailDomain
    roleAssignments: [
      { roleName: 'Communication and Email Service Owner', principalId: identity.outputs.principalId }
    ]
    logAnalyticsWorkspaceResourceId: monitoring.outputs.workspaceResourceId
    enableDeleteLock: enableDeleteLock
  }
}

module openAi '../bicep/modules/openai/main.bicep' = {
  name: 'eds-openai'
  params: {
    name: 'oai-${baseName}-${suffix}'
    location: location
    tags: tags
    deployments: openAiDeployments
    roleAssignments: [
      { roleName: 'Cognitive Services OpenAI User', principalId: identity.outputs.principalId }
    ]
    logAnalyticsWorkspaceResourceId: monitoring.outputs.workspaceResourceId
    privateEndpointSubnetResourceId: network.outputs.privateEndpointSubnetResourceId
    privateDnsZoneResourceIds: network.outputs.privateDnsZoneResourceIds
    enableDeleteLock: enableDeleteLock
  }
}

// Identity-based settings only: endpoints, names and client ids. No key, password or
// connection string reaches the app; the Elasticsearch key is read from Key Vault at run time.
var appSettings = {
  EDS_TENANT_ID: tenantId
  EDS_AUDIENCE: apiAudience
  EDS_ISSUER: '${loginEndpoint}${tenantId}/v2.0'
  EDS_JWKS_URI: '${loginEndpoint}${tenantId}/discovery/v2.0/keys'
  EDS_CORS_ORIGINS: join(corsAllowedOrigins, ',')
  EDS_LOG_LEVEL: 'info'
  // Front Door, then the platform's front end: the client's address is two entries from the right.
  EDS_TRUSTED_PROXY_HOPS: empty(frontDoorId) ? '1' : '2'
  EDS_CREDENTIAL: 'managed-identity'
  EDS_MANAGED_IDENTITY_CLIENT_ID: identity.outputs.clientId
  EDS_SQL_SERVER: sql.outputs.fullyQualifiedDomainName
  EDS_SQL_DATABASE: sql.outputs.databaseName
  EDS_PG_HOST: postgres.outputs.fullyQualifiedDomainName
  EDS_PG_DATABASE: postgres.outputs.databaseName
  EDS_PG_USER: identity.outputs.name
  EDS_COSMOS_ENDPOINT: cosmos.outputs.documentEndpoint
  EDS_KEYVAULT_URL: keyVault.outputs.vaultUri
  EDS_KEYVAULT_KEY_NAME: keyVault.outputs.fieldKeyName
  EDS_AUDIT_SIGNING_SECRET_NAME: 'eds-audit-signing-key'
  EDS_SEARCH_ENDPOINT: searchEndpoint
  EDS_SEARCH_API_KEY_SECRET_NAME: searchApiKeySecretName
  EDS_WEBPUBSUB_ENDPOINT: webPubSub.outputs.endpoint
  EDS_EMAIL_ENDPOINT: email.outputs.endpoint
  EDS_EMAIL_SENDER: email.outputs.senderAddress
  EDS_OPENAI_ENDPOINT: openAi.outputs.endpoint
  EDS_AUDIT_CHECKPOINT_CONTAINER_URL: '${storage.outputs.blobEndpoint}${storage.outputs.auditContainerName}'
  ServiceBusConnection__fullyQualifiedNamespace: serviceBus.outputs.fullyQualifiedNamespace
  ServiceBusConnection__credential: 'managedidentity'
  ServiceBusConnection__clientId: identity.outputs.clientId
}

module functionApp '../bicep/modules/function-app/main.bicep' = {
  name: 'eds-function-app'
  params: {
    name: 'func-${baseName}-${suffix}'
    location: location
    tags: tags
    identityResourceId: identity.outputs.resourceId
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    integrationSubnetResourceId: network.outputs.functionAppSubnetResourceId
    appSettings: appSettings
    corsAllowedOrigins: corsAllowedOrigins
    logAnalyticsWorkspaceResourceId: monitoring.outputs.workspaceResourceId
    enableDeleteLock: enableDeleteLock
    frontDoorId: frontDoorId
  }
  dependsOn: [monitorPrivateLink]
}

@description('Name of the Function App.')
output functionAppName string = 'func-${baseName}-${suffix}'

@description('Names and ids the database access scripts need.')
output databaseAccess object = {
  identityName: identity.outputs.name
  identityPrincipalId: identity.outputs.principalId
  sqlServer: sql.outputs.fullyQualifiedDomainName
  sqlDatabase: sql.outputs.databaseName
  postgresHost: postgres.outputs.fullyQualifiedDomainName
  postgresDatabase: postgres.outputs.databaseName
  keyVaultUrl: keyVault.outputs.vaultUri
}
