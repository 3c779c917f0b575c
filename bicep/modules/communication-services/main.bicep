metadata name = 'EDS Communication Services email'
metadata description = 'Email Communication Service with a sender domain, linked to a Communication Services resource whose data stays in the United States; the app sends with its managed identity.'

import { principalRoleAssignment } from '../../types/common.bicep'

@description('Required. Name prefix of the communication resources.')
param name string

@description('Optional. Tags applied to every resource.')
param tags object = {}

@description('Optional. Custom sender domain (needs DNS verification after deployment); empty uses an Azure-managed domain.')
param customEmailDomain string = ''

@description('Optional. Data-plane roles on the Communication Services resource.')
param roleAssignments principalRoleAssignment[] = []

@description('Required. Resource id of the Log Analytics workspace receiving diagnostics.')
param logAnalyticsWorkspaceResourceId string

@description('Required. Apply a CanNotDelete lock (production).')
param enableDeleteLock bool

// Communication Services honours only this built-in role for Entra-authenticated email sends
// (custom roles are not evaluated by the service); it is scoped to this one resource.
var builtInRoleNames = {
  'Communication and Email Service Owner': subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '09976791-48a7-449e-bb21-39d1a415f350')
}

var isAzureManagedDomain = empty(customEmailDomain)

resource emailService 'Microsoft.Communication/emailServices@2023-04-01' = {
  name: 'ecs-${name}'
  location: 'global'
  tags: tags
  properties: {
    dataLocation: 'United States'
  }
}

resource emailDomain 'Microsoft.Communication/emailServices/domains@2023-04-01' = {
  parent: emailService
  name: isAzureManagedDomain ? 'AzureManagedDomain' : customEmailDomain
  location: 'global'
  tags: tags
  properties: {
    domainManagement: isAzureManagedDomain ? 'AzureManaged' : 'CustomerManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2023-04-01' = {
  name: 'acs-${name}'
  location: 'global'
  tags: tags
  properties: {
    dataLocation: 'United States'
    linkedDomains: [emailDomain.id]
  }
}

resource communicationService_diagnosticSettings 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'diag-log-analytics'
  scope: communicationService
  properties: {
    workspaceId: logAnalyticsWorkspaceResourceId
    logs: [{ categoryGroup: 'allLogs', enabled: true }]
    metrics: [{ category: 'AllMetrics', enabled: true }]
  }
}

resource communicationService_roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for assignment in roleAssignments: {
    name: guid(communicationService.id, assignment.principalId, builtInRoleNames[assignment.roleName])
    scope: communicationService
    properties: {
      roleDefinitionId: builtInRoleNames[assignment.roleName]
      principalId: assignment.principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource communicationService_lock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'lock-acs-${name}'
  scope: communicationService
  properties: {
    level: 'CanNotDelete'
    notes: 'EDS production email sender.'
  }
}

@description('Resource id of the Communication Services resource.')
output resourceId string = communicationService.id

@description('Endpoint, given to the app as EDS_EMAIL_ENDPOINT.')
output endpoint string = 'https://${communicationService.properties.hostName}'

@description('Sender address on the linked domain.')
output senderAddress string = 'DoNotReply@${emailDomain.properties.mailFromSenderDomain}'
