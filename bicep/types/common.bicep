metadata name = 'EDS shared Bicep types'
metadata description = 'Types shared by the EDS modules: the US regions a deployment may use and the shape of a data-plane role assignment.'

@export()
@description('An Azure region in the continental United States. EDS data stays in the US (FISMA MODERATE boundary); the list is closed on purpose.')
type usRegion =
  | 'centralus'
  | 'eastus'
  | 'eastus2'
  | 'northcentralus'
  | 'southcentralus'
  | 'westcentralus'
  | 'westus'
  | 'westus2'
  | 'westus3'

@export()
@description('A data-plane role granted to a service principal (a managed identity), scoped to the resource of the module that receives it.')
type principalRoleAssignment = {
  @description('Required. The built-in role name; each module accepts only the roles listed in its builtInRoleNames table.')
  roleName: string

  @description('Required. Object (principal) id of the managed identity.')
  principalId: string
}
