// Azure OpenAI: a chat deployment for the optional LLM analyst and an embeddings deployment for the look-alike
// search. Keys are disabled; the app identity calls it with Microsoft Entra ID (Cognitive Services OpenAI User).

@description('Account name; also its custom subdomain, which Microsoft Entra ID authentication requires.')
param name string

@description('Azure region (one that offers both models).')
param location string

@description('Principal id of the app identity that gets the role.')
param principalId string

@description('Chat model deployment (AZURE_OPENAI_CHAT_DEPLOYMENT).')
param chatModel object

@description('Embeddings model deployment (AZURE_OPENAI_EMBEDDING_DEPLOYMENT).')
param embeddingModel object

// Inference only: chat completions and embeddings; no access to keys, deployments or fine-tuning.
var cognitiveServicesOpenAIUser = '5e0bd9bd-7b93-4f28-af87-19fc36ad61bd'

resource account 'Microsoft.CognitiveServices/accounts@2026-07-01' = {
  name: name
  location: location
  kind: 'OpenAI'
  sku: {
    name: 'S0'
  }
  properties: {
    customSubDomainName: name
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
  }
}

resource chat 'Microsoft.CognitiveServices/accounts/deployments@2026-07-01' = {
  parent: account
  name: chatModel.deployment
  sku: {
    name: chatModel.sku
    capacity: chatModel.capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: chatModel.name
      version: chatModel.version
    }
  }
}

// One deployment at a time: the service refuses concurrent deployment operations on an account.
resource embeddings 'Microsoft.CognitiveServices/accounts/deployments@2026-07-01' = {
  parent: account
  name: embeddingModel.deployment
  sku: {
    name: embeddingModel.sku
    capacity: embeddingModel.capacity
  }
  properties: {
    model: {
      format: 'OpenAI'
      name: embeddingModel.name
      version: embeddingModel.version
    }
  }
  dependsOn: [chat]
}

resource roleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: account
  name: guid(account.id, principalId, cognitiveServicesOpenAIUser)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', cognitiveServicesOpenAIUser)
  }
}

output endpoint string = account.properties.endpoint
output chatDeployment string = chat.name
output embeddingDeployment string = embeddings.name
