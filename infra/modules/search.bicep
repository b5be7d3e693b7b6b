// Azure AI Search: the vector index of the training records (AZURE_SEARCH_ENDPOINT / AZURE_SEARCH_INDEX). API keys
// are disabled; the app identity reaches it with Microsoft Entra ID.

@description('Search service name (2–60 lowercase letters, digits and dashes).')
param name string

@description('Azure region.')
param location string

@description('Pricing tier. basic is the smallest with a service-level agreement and enough room for vector search.')
@allowed(['free', 'basic', 'standard'])
param sku string

@description('Principal id of the app identity that gets the roles.')
param principalId string

var roles = {
  // Upload, merge, delete and query documents of the index.
  searchIndexDataContributor: '8ebe5a00-799e-43f5-93ac-243d3dce84a7'
  // The app creates (and updates) its index at start-up (AzureSearchVectorIndex: HNSW, cosine), which is index
  // management: data roles cannot do it. Scoped to this one service.
  searchServiceContributor: '7ca78c08-252a-4471-8644-bb5ff32d4ba0'
}

resource search 'Microsoft.Search/searchServices@2025-05-01' = {
  name: name
  location: location
  sku: {
    name: sku
  }
  properties: {
    replicaCount: 1
    partitionCount: 1
    hostingMode: 'Default'
    publicNetworkAccess: 'enabled'
    disableLocalAuth: true
    semanticSearch: 'disabled'
  }
}

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(roles): {
    scope: search
    name: guid(search.id, principalId, role.value)
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
    }
  }
]

output endpoint string = search.properties.endpoint
