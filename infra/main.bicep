// LeadScoring in one resource group: the host on Azure Container Apps (scale-out on the score-requests queue with
// KEDA), Azure Storage (queues, tables, blobs; Entra ID only), Azure AI Search, Azure OpenAI (chat + embeddings), Key
// Vault (HubSpot credentials, caller keys), Log Analytics + Application Insights, a container registry, and one
// user-assigned identity holding least-privilege roles on each resource. See infra/README.md for the map to
// ARCHITECTURE.md and the top-level README's "Deploy to Azure" for the commands.

targetScope = 'resourceGroup'

@description('Azure region of every resource (one that offers Azure OpenAI with both models and Azure AI Search).')
param location string = resourceGroup().location

@description('Lowercase letters and digits; starts every resource name (a unique suffix keeps global names unique).')
@minLength(3)
@maxLength(11)
param namePrefix string = 'leadscoring'

@description('The host image, e.g. REGISTRY.azurecr.io/leadscoring:1.0.0. Empty on the first deployment: everything but the container app is created, so the image can be pushed to the new registry first.')
param containerImage string = ''

@description('Replicas kept when idle: 1 keeps the batch-rescore and retrain timers running; 0 scales to zero between webhooks.')
@allowed([0, 1])
param minReplicas int = 1

@description('Most replicas KEDA may run when the score-requests queue grows.')
@minValue(1)
@maxValue(100)
param maxReplicas int = 10

@description('Queue messages per replica before another replica is added.')
@minValue(1)
param queueMessagesPerReplica int = 16

@description('CPU cores of one replica (Container Apps consumption: 0.25–4, memory 2 GiB per core).')
param replicaCpu string = '0.5'

@description('Memory of one replica.')
param replicaMemory string = '1Gi'

@description('Azure AI Search tier.')
@allowed(['free', 'basic', 'standard'])
param searchSku string = 'basic'

@description('Azure OpenAI chat deployment for the analyst: deployment name, model name and version, SKU, capacity (thousands of tokens per minute).')
param chatModel object = {
  deployment: 'gpt-4o-mini'
  name: 'gpt-4o-mini'
  version: '2024-07-18'
  sku: 'GlobalStandard'
  capacity: 10
}

@description('Azure OpenAI embeddings deployment for the look-alike search.')
param embeddingModel object = {
  deployment: 'text-embedding-3-small'
  name: 'text-embedding-3-small'
  version: '1'
  sku: 'Standard'
  capacity: 10
}

@description('Days Log Analytics keeps the logs.')
@minValue(30)
@maxValue(730)
param logRetentionInDays int = 30

@description('privateApp: a HubSpot private-app token; oauth: a public app\'s client id and refresh token.')
@allowed(['privateApp', 'oauth'])
param hubSpotAuth string = 'privateApp'

@secure()
@description('HUBSPOT_ACCESS_TOKEN (hubSpotAuth = privateApp). Stored in Key Vault only.')
param hubSpotAccessToken string = ''

@secure()
@description('HUBSPOT_REFRESH_TOKEN (hubSpotAuth = oauth). Stored in Key Vault only.')
param hubSpotRefreshToken string = ''

@secure()
@description('HUBSPOT_CLIENT_SECRET: the app\'s client secret, which signs webhooks. Stored in Key Vault only.')
param hubSpotClientSecret string

@secure()
@description('LEAD_SCORE_API_KEYS: Role=key;Role=key (keys of 16+ characters). Stored in Key Vault only.')
param apiKeys string

@description('HUBSPOT_CLIENT_ID of the public app (hubSpotAuth = oauth).')
param hubSpotClientId string = ''

@description('HUBSPOT_PORTAL_ID: the HubSpot account id.')
param hubSpotPortalId string

@description('HUBSPOT_HIGH_PRIORITY_WORKFLOW_ID: workflow that newly High leads are enrolled in; empty = none.')
param highPriorityWorkflowId string = ''

@description('LEAD_SCORE_UPDATE_INTERVAL: batch rescore interval.')
param updateInterval string = '15m'

@description('LEAD_SCORE_INITIAL_RESCORE: score the whole portal on the first start.')
param initialRescore bool = true

@description('LEAD_SCORE_RETRAIN_INTERVAL: model retraining interval.')
param retrainInterval string = '7d'

@description('LEAD_SCORE_MIN_CONFIDENCE: the analyst\'s answer is used only at or above it.')
param minConfidence string = '0.7'

@description('LEAD_SCORE_ANALYST_TIMEOUT: how long one analysis may take.')
param analystTimeout string = '10s'

@description('AZURE_SEARCH_INDEX: the index the app creates for the training records.')
param searchIndex string = 'leadscoring-training'

@description('The port the host listens on inside the image (LeadScoring.Functions.csproj ContainerPort).')
param containerPort int = 7071

// The queue the pipeline consumes: StorageNames.ScoreRequests (no LEAD_SCORE_STORAGE_PREFIX: one account per deployment).
var scoreQueueName = 'score-requests'
var suffix = uniqueString(resourceGroup().id)

// Storage, registry and search names must be lowercase.
var prefix = toLower(namePrefix)

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: '${prefix}-identity'
    location: location
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: prefix
    location: location
    retentionInDays: logRetentionInDays
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take('${prefix}${suffix}', 24)
    location: location
    principalId: identity.outputs.principalId
    scoreQueueName: scoreQueueName
  }
}

module search 'modules/search.bicep' = {
  name: 'search'
  params: {
    name: '${prefix}-search-${suffix}'
    location: location
    sku: searchSku
    principalId: identity.outputs.principalId
  }
}

module openai 'modules/openai.bicep' = {
  name: 'openai'
  params: {
    name: '${prefix}-openai-${suffix}'
    location: location
    principalId: identity.outputs.principalId
    chatModel: chatModel
    embeddingModel: embeddingModel
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    name: take('${prefix}-${suffix}', 24)
    location: location
    principalId: identity.outputs.principalId
    hubSpotAuth: hubSpotAuth
    hubSpotAccessToken: hubSpotAccessToken
    hubSpotRefreshToken: hubSpotRefreshToken
    hubSpotClientSecret: hubSpotClientSecret
    apiKeys: apiKeys
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    name: '${prefix}${suffix}'
    location: location
    principalId: identity.outputs.principalId
  }
}

module environment 'modules/containerapps-environment.bicep' = {
  name: 'containerapps-environment'
  params: {
    name: '${prefix}-env'
    location: location
    workspaceName: monitoring.outputs.workspaceName
    appInsightsName: monitoring.outputs.appInsightsName
  }
}

module app 'modules/containerapp.bicep' = if (!empty(containerImage)) {
  name: 'containerapp'
  params: {
    name: prefix
    location: location
    environmentId: environment.outputs.id
    environmentDefaultDomain: environment.outputs.defaultDomain
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    image: containerImage
    registryServer: registry.outputs.loginServer
    targetPort: containerPort
    cpu: replicaCpu
    memory: replicaMemory
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    queueMessagesPerReplica: queueMessagesPerReplica
    storageAccountName: storage.outputs.name
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    blobEndpoint: storage.outputs.blobEndpoint
    scoreQueueName: storage.outputs.scoreQueueName
    keyVaultUri: vault.outputs.vaultUri
    accessTokenSecretName: vault.outputs.accessTokenName
    refreshTokenSecretName: vault.outputs.refreshTokenName
    clientSecretSecretName: vault.outputs.clientSecretName
    apiKeysSecretName: vault.outputs.apiKeysName
    hubSpotAuth: hubSpotAuth
    hubSpotClientId: hubSpotClientId
    hubSpotPortalId: hubSpotPortalId
    highPriorityWorkflowId: highPriorityWorkflowId
    updateInterval: updateInterval
    initialRescore: initialRescore
    retrainInterval: retrainInterval
    minConfidence: minConfidence
    analystTimeout: analystTimeout
    openAIEndpoint: openai.outputs.endpoint
    chatDeployment: openai.outputs.chatDeployment
    embeddingDeployment: openai.outputs.embeddingDeployment
    searchEndpoint: search.outputs.endpoint
    searchIndex: searchIndex
  }
}

output registryLoginServer string = registry.outputs.loginServer
output registryName string = registry.outputs.name
output storageAccountName string = storage.outputs.name
output appFqdn string = app.?outputs.fqdn ?? ''
output hubSpotWebhookUrl string = app.?outputs.webhookUrl ?? ''
