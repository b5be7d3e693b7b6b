// LeadScoring in one resource group: the host as an Azure Functions app (isolated worker) on the Flex Consumption plan
// (the platform scales it per trigger: HTTP, the score-requests queue, Durable Functions), Azure Storage
// (AzureWebJobsStorage: host state, queues, tables, the Durable task hub, the deployment package; Entra ID only), Azure AI
// Search, Azure OpenAI (chat + embeddings), Key Vault (HubSpot credentials, caller keys), Log Analytics + Application
// Insights, and one user-assigned identity holding least-privilege roles on each resource. See infra/README.md for the
// map to ARCHITECTURE.md and docs/deploy.md for the commands.

targetScope = 'resourceGroup'

@description('Azure region of every resource (one that offers Azure OpenAI with both models and Azure AI Search).')
param location string = resourceGroup().location

@description('Lowercase letters and digits; starts every resource name (a unique suffix keeps global names unique).')
@minLength(3)
@maxLength(11)
param namePrefix string = 'leadscoring'

@description('Most Flex Consumption instances the app may scale out to. The HubSpot rate limit is shared by all of them, so more than a few mainly buy headroom for webhook bursts.')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int = 40

@description('Memory of one instance: 512 MB (0.25 core), 2048 MB (1 core) or 4096 MB (2 cores); ML.NET training wants 2048.')
@allowed([512, 2048, 4096])
param instanceMemoryMB int = 2048

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

@description('LEAD_SCORE_DECAY_INTERVAL: how often scores are recomputed from stored snapshots as time passes (no HubSpot reads).')
param decayInterval string = '1d'

@description('LEAD_SCORE_MIN_CONFIDENCE: the analyst\'s answer is used only at or above it.')
param minConfidence string = '0.7'

@description('LEAD_SCORE_ANALYST_TIMEOUT: how long one analysis may take.')
param analystTimeout string = '10s'

@description('AZURE_SEARCH_INDEX: the index the app creates for the training records.')
param searchIndex string = 'leadscoring-training'

// The queue the pipeline consumes: StorageNames.ScoreRequests (no LEAD_SCORE_STORAGE_PREFIX: one account per deployment).
var scoreQueueName = 'score-requests'

// The Flex Consumption deployment package's container in the same account.
var deploymentContainerName = 'app-package'

// functionAppConfig.runtime: LeadScoring.Functions is an isolated-worker app targeting net10.0.
var runtimeName = 'dotnet-isolated'
var runtimeVersion = '10.0'
var suffix = uniqueString(resourceGroup().id)

// Storage and search names must be lowercase.
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
    principalId: identity.outputs.principalId
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take('${prefix}${suffix}', 24)
    location: location
    principalId: identity.outputs.principalId
    scoreQueueName: scoreQueueName
    deploymentContainerName: deploymentContainerName
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

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  params: {
    name: '${prefix}-${suffix}'
    planName: '${prefix}-plan'
    location: location
    identityId: identity.outputs.id
    blobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: storage.outputs.deploymentContainerName
    runtimeName: runtimeName
    runtimeVersion: runtimeVersion
    maximumInstanceCount: maximumInstanceCount
    instanceMemoryMB: instanceMemoryMB
  }
}

module appSettings 'modules/functionapp-settings.bicep' = {
  name: 'functionapp-settings'
  params: {
    siteName: functionApp.outputs.name
    defaultHostName: functionApp.outputs.defaultHostName
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    queueEndpoint: storage.outputs.queueEndpoint
    tableEndpoint: storage.outputs.tableEndpoint
    blobEndpoint: storage.outputs.blobEndpoint
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
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
    decayInterval: decayInterval
    minConfidence: minConfidence
    analystTimeout: analystTimeout
    openAIEndpoint: openai.outputs.endpoint
    chatDeployment: openai.outputs.chatDeployment
    embeddingDeployment: openai.outputs.embeddingDeployment
    searchEndpoint: search.outputs.endpoint
    searchIndex: searchIndex
  }
}

output functionAppName string = functionApp.outputs.name
output functionAppHostName string = functionApp.outputs.defaultHostName
output hubSpotWebhookUrl string = 'https://${functionApp.outputs.defaultHostName}/api/hubspot/webhooks'
output storageAccountName string = storage.outputs.name
output deploymentContainer string = '${storage.outputs.blobEndpoint}${storage.outputs.deploymentContainerName}'
