metadata name = 'User-assigned managed identity'
metadata description = 'The identity the EDS Function App uses for every data-plane call; no resource in EDS holds a key or password for it.'

import { usRegion } from '../../types/common.bicep'

@description('Required. Name of the user-assigned managed identity.')
param name string

@description('Required. Azure region (US only).')
param location usRegion

@description('Optional. Tags applied to the identity.')
param tags object = {}

@description('Required. Apply a CanNotDelete lock (production).')
param enableDeleteLock bool

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

resource identity_lock 'Microsoft.Authorization/locks@2020-05-01' = if (enableDeleteLock) {
  name: 'lock-${name}'
  scope: identity
  properties: {
    level: 'CanNotDelete'
    notes: 'EDS production identity: deleting it breaks every data-plane role assignment.'
  }
}

@description('Resource id of the identity.')
output resourceId string = identity.id

@description('Name of the identity.')
output name string = identity.name

@description('Object (principal) id, the subject of role assignments and database users.')
output principalId string = identity.properties.principalId

@description('Client id, given to the app as AZURE_CLIENT_ID.')
output clientId string = identity.properties.clientId
