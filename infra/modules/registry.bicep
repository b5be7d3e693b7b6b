// Azure Container Registry for the host image (dotnet publish /t:PublishContainer pushes to it). No admin user:
// pushes use the deployer's Entra ID login, pulls the app identity (AcrPull).

@description('Registry name (5–50 letters and digits).')
param name string

@description('Azure region.')
param location string

@description('Principal id of the app identity that pulls the image.')
param principalId string

// Pull images only.
var acrPull = '7f951dda-4ed3-4680-a7ca-43fe172d538d'

resource registry 'Microsoft.ContainerRegistry/registries@2025-11-01' = {
  name: name
  location: location
  sku: {
    name: 'Basic'
  }
  properties: {
    adminUserEnabled: false
    anonymousPullEnabled: false
    publicNetworkAccess: 'Enabled'
  }
}

resource roleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: registry
  name: guid(registry.id, principalId, acrPull)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', acrPull)
  }
}

output loginServer string = registry.properties.loginServer
output name string = registry.name
