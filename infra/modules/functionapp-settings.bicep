// The function app's settings (its `appsettings` config resource, which replaces the whole list on every
// deployment). Every setting is one the host reads (KnownSettings) or one the Functions platform reads; the deployment
// tests compare this list with the code. All values arrive as parameters so the lists below stay plain, checkable
// objects in the compiled template. Secrets are Key Vault references resolved with the site's keyVaultReferenceIdentity.

@description('The function app (created by functionapp.bicep).')
param siteName string

@description('The site\'s default host name: HubSpot posts to https://HOST/api/hubspot/webhooks.')
param defaultHostName string

@description('Client id of the app\'s user-assigned identity.')
param identityClientId string

@description('Storage account of AzureWebJobsStorage: the Functions host, the queue trigger, the tables, the Durable task hub.')
param storageAccountName string
param queueEndpoint string
param tableEndpoint string
param blobEndpoint string

@description('Application Insights connection string (not a credential: ingestion is authenticated with the identity).')
param appInsightsConnectionString string

@description('Key Vault URI (https://NAME.vault.azure.net/) and the names of the secrets in it.')
param keyVaultUri string
param accessTokenSecretName string
param refreshTokenSecretName string
param clientSecretSecretName string
param apiKeysSecretName string

@allowed(['privateApp', 'oauth'])
param hubSpotAuth string
param hubSpotClientId string
param hubSpotPortalId string
param highPriorityWorkflowId string

param updateInterval string
param initialRescore bool
param retrainInterval string
param decayInterval string
param minConfidence string
param analystTimeout string

param openAIEndpoint string
param chatDeployment string
param embeddingDeployment string
param searchEndpoint string
param searchIndex string

resource site 'Microsoft.Web/sites@2025-03-01' existing = {
  name: siteName
}

// Versionless references (secrets/NAME/, the trailing slash being an empty version): a new secret version reaches the app
// when App Service refreshes the references (docs/deploy.md).
var commonSettings = {
  // AzureWebJobsStorage as an identity-based connection: no connection string, no key (the account allows none).
  AzureWebJobsStorage__accountName: storageAccountName
  AzureWebJobsStorage__queueServiceUri: queueEndpoint
  AzureWebJobsStorage__tableServiceUri: tableEndpoint
  AzureWebJobsStorage__blobServiceUri: blobEndpoint
  AzureWebJobsStorage__credential: 'managedidentity'
  AzureWebJobsStorage__clientId: identityClientId
  // The Functions host's telemetry, sent with the identity (Monitoring Metrics Publisher on the component).
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
  APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
  // Azure AI Search and Azure OpenAI without keys: the user-assigned identity.
  AZURE_CLIENT_ID: identityClientId
  AZURE_OPENAI_ENDPOINT: openAIEndpoint
  AZURE_OPENAI_CHAT_DEPLOYMENT: chatDeployment
  AZURE_OPENAI_EMBEDDING_DEPLOYMENT: embeddingDeployment
  AZURE_SEARCH_ENDPOINT: searchEndpoint
  AZURE_SEARCH_INDEX: searchIndex
  HUBSPOT_CLIENT_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${clientSecretSecretName}/)'
  HUBSPOT_PORTAL_ID: hubSpotPortalId
  HUBSPOT_HIGH_PRIORITY_WORKFLOW_ID: highPriorityWorkflowId
  // HubSpot signs the URL it posts to; the host checks the signature against this one.
  HUBSPOT_WEBHOOK_URL: 'https://${defaultHostName}/api/hubspot/webhooks'
  LEAD_SCORE_API_KEYS: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${apiKeysSecretName}/)'
  LEAD_SCORE_UPDATE_INTERVAL: updateInterval
  LEAD_SCORE_INITIAL_RESCORE: string(initialRescore)
  LEAD_SCORE_RETRAIN_INTERVAL: retrainInterval
  LEAD_SCORE_DECAY_INTERVAL: decayInterval
  LEAD_SCORE_MIN_CONFIDENCE: minConfidence
  LEAD_SCORE_ANALYST_TIMEOUT: analystTimeout
}
var privateAppSettings = {
  HUBSPOT_ACCESS_TOKEN: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${accessTokenSecretName}/)'
}
var oauthSettings = {
  HUBSPOT_CLIENT_ID: hubSpotClientId
  HUBSPOT_REFRESH_TOKEN: '@Microsoft.KeyVault(SecretUri=${keyVaultUri}secrets/${refreshTokenSecretName}/)'
}

resource settings 'Microsoft.Web/sites/config@2025-03-01' = {
  parent: site
  name: 'appsettings'
  properties: union(commonSettings, hubSpotAuth == 'oauth' ? oauthSettings : privateAppSettings)
}
