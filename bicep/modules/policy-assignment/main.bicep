metadata name = 'Built-in policy assignment'
metadata description = 'Assigns a built-in policy or initiative (for EDS: NIST SP 800-53 Rev. 5 and allowed locations) to the resource group.'

import { usRegion } from '../../types/common.bicep'

@maxLength(64)
@description('Required. Assignment name.')
param name string

@description('Required. Display name shown in the compliance dashboard.')
param displayName string

@description('Required. Resource id of the built-in policy or policy set definition.')
param policyDefinitionId string

@description('Optional. Parameters of the definition.')
param parameters object = {}

@description('Required. Region of the assignment identity (US only).')
param location usRegion

@allowed(['Default', 'DoNotEnforce'])
@description('Optional. Enforcement mode; Default makes deny effects block deployments.')
param enforcementMode string = 'Default'

// A system-assigned identity lets the initiative's deployIfNotExists and modify effects remediate.
resource assignment 'Microsoft.Authorization/policyAssignments@2024-04-01' = {
  name: name
  location: location
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    displayName: displayName
    policyDefinitionId: policyDefinitionId
    parameters: parameters
    enforcementMode: enforcementMode
  }
}

@description('Resource id of the assignment.')
output resourceId string = assignment.id
