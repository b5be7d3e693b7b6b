// The app's user-assigned managed identity: every Azure call the host makes (Storage, AI Search, OpenAI, Key Vault
// references, the deployment package, Application Insights ingestion) authenticates as this identity; no key or
// connection string exists.

@description('Name of the identity.')
param name string

@description('Azure region.')
param location string

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
}

output id string = identity.id
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
