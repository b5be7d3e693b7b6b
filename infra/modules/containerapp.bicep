// The host as a container app: ingress for HubSpot's webhooks and the API, health probes on /api/health, and scale-out
// on the score-requests queue with KEDA's azure-queue scaler (more replicas competing on the same queue). Every setting
// is one the host reads (KnownSettings); the deployment tests compare this list with the code. All values arrive as
// parameters so the settings below stay plain, checkable lists in the compiled template.

@description('Container app name; also the first label of its ingress host name.')
param name string

@description('Azure region.')
param location string

@description('Resource id of the Container Apps environment.')
param environmentId string

@description('The environment\'s default domain: the public host name is NAME.DOMAIN.')
param environmentDefaultDomain string

@description('Resource id of the app\'s user-assigned identity.')
param identityId string

@description('Client id of the app\'s user-assigned identity.')
param identityClientId string

@description('The host image, e.g. REGISTRY.azurecr.io/leadscoring:1.0.0.')
param image string

@description('Login server of the registry the image is pulled from with the identity.')
param registryServer string

@description('The port the host listens on in the image (ContainerPort / ASPNETCORE_URLS in LeadScoring.Functions.csproj).')
param targetPort int

@description('CPU cores and memory of one replica.')
param cpu string
param memory string

@description('Replicas kept when idle: 0 scales to zero (timers then run only while something keeps a replica up); 1 keeps the batch rescore and retrain timers running.')
@allowed([0, 1])
param minReplicas int

@description('Upper bound of the scale-out.')
@minValue(1)
@maxValue(100)
param maxReplicas int

@description('Queue messages per replica before KEDA adds one (host.json extensions.queues.batchSize is 16).')
@minValue(1)
param queueMessagesPerReplica int

@description('Storage account of the queues and tables.')
param storageAccountName string
param queueEndpoint string
param tableEndpoint string
param blobEndpoint string

@description('The queue the pipeline consumes (StorageNames.ScoreRequests).')
param scoreQueueName string

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
param minConfidence string
param analystTimeout string

param openAIEndpoint string
param chatDeployment string
param embeddingDeployment string
param searchEndpoint string
param searchIndex string

// Secrets are Key Vault references read with the identity; versionless URIs, so a new version reaches new replicas.
var commonSecrets = [
  {
    name: 'hubspot-client-secret'
    keyVaultUrl: '${keyVaultUri}secrets/${clientSecretSecretName}'
    identity: identityId
  }
  {
    name: 'lead-score-api-keys'
    keyVaultUrl: '${keyVaultUri}secrets/${apiKeysSecretName}'
    identity: identityId
  }
]
var privateAppSecrets = [
  {
    name: 'hubspot-access-token'
    keyVaultUrl: '${keyVaultUri}secrets/${accessTokenSecretName}'
    identity: identityId
  }
]
var oauthSecrets = [
  {
    name: 'hubspot-refresh-token'
    keyVaultUrl: '${keyVaultUri}secrets/${refreshTokenSecretName}'
    identity: identityId
  }
]

var commonEnv = [
  // AzureWebJobsStorage as an identity-based connection (Azure Functions' convention): no connection string, no key.
  { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
  { name: 'AzureWebJobsStorage__queueServiceUri', value: queueEndpoint }
  { name: 'AzureWebJobsStorage__tableServiceUri', value: tableEndpoint }
  { name: 'AzureWebJobsStorage__blobServiceUri', value: blobEndpoint }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  // Azure AI Search and Azure OpenAI without keys: DefaultAzureCredential with this user-assigned identity.
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  { name: 'AZURE_OPENAI_ENDPOINT', value: openAIEndpoint }
  { name: 'AZURE_OPENAI_CHAT_DEPLOYMENT', value: chatDeployment }
  { name: 'AZURE_OPENAI_EMBEDDING_DEPLOYMENT', value: embeddingDeployment }
  { name: 'AZURE_SEARCH_ENDPOINT', value: searchEndpoint }
  { name: 'AZURE_SEARCH_INDEX', value: searchIndex }
  { name: 'HUBSPOT_CLIENT_SECRET', secretRef: 'hubspot-client-secret' }
  { name: 'HUBSPOT_PORTAL_ID', value: hubSpotPortalId }
  { name: 'HUBSPOT_HIGH_PRIORITY_WORKFLOW_ID', value: highPriorityWorkflowId }
  // HubSpot signs the URL it posts to; behind the ingress the host sees plain http, so it is told the public one.
  { name: 'HUBSPOT_WEBHOOK_URL', value: 'https://${name}.${environmentDefaultDomain}/api/hubspot/webhooks' }
  { name: 'LEAD_SCORE_API_KEYS', secretRef: 'lead-score-api-keys' }
  { name: 'LEAD_SCORE_UPDATE_INTERVAL', value: updateInterval }
  { name: 'LEAD_SCORE_INITIAL_RESCORE', value: string(initialRescore) }
  { name: 'LEAD_SCORE_RETRAIN_INTERVAL', value: retrainInterval }
  { name: 'LEAD_SCORE_MIN_CONFIDENCE', value: minConfidence }
  { name: 'LEAD_SCORE_ANALYST_TIMEOUT', value: analystTimeout }
]
var privateAppEnv = [
  { name: 'HUBSPOT_ACCESS_TOKEN', secretRef: 'hubspot-access-token' }
]
var oauthEnv = [
  { name: 'HUBSPOT_CLIENT_ID', value: hubSpotClientId }
  { name: 'HUBSPOT_REFRESH_TOKEN', secretRef: 'hubspot-refresh-token' }
]

var healthProbe = {
  path: '/api/health'
  port: targetPort
  scheme: 'HTTP'
}

resource app 'Microsoft.App/containerApps@2026-07-01' = {
  name: name
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environmentId
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: targetPort
        transport: 'auto'
        allowInsecure: false
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
      secrets: concat(commonSecrets, hubSpotAuth == 'oauth' ? oauthSecrets : privateAppSecrets)
    }
    template: {
      containers: [
        {
          name: 'leadscoring'
          image: image
          resources: {
            cpu: json(cpu)
            memory: memory
          }
          env: concat(commonEnv, hubSpotAuth == 'oauth' ? oauthEnv : privateAppEnv)
          probes: [
            {
              // Start-up creates the queues, tables and search index: up to ~105 s (Container Apps allows at most 10 failures).
              type: 'Startup'
              httpGet: healthProbe
              initialDelaySeconds: 5
              periodSeconds: 10
              failureThreshold: 10
            }
            {
              type: 'Readiness'
              httpGet: healthProbe
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              // 503 only when storage is unreachable (degraded HubSpot still answers 200): restart after ~90 s of it.
              type: 'Liveness'
              httpGet: healthProbe
              periodSeconds: 30
              failureThreshold: 3
              timeoutSeconds: 5
            }
          ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
        rules: [
          {
            // KEDA azure-queue scaler, authenticated with the app identity (no connection string secret).
            name: 'score-requests-queue'
            azureQueue: {
              accountName: storageAccountName
              queueName: scoreQueueName
              queueLength: queueMessagesPerReplica
              identity: identityId
            }
          }
          {
            // The batch rescore's lane: a whole-portal batch scales out too.
            name: 'score-requests-batch-queue'
            azureQueue: {
              accountName: storageAccountName
              queueName: '${scoreQueueName}-batch'
              queueLength: queueMessagesPerReplica
              identity: identityId
            }
          }
          {
            // Custom rules replace the default HTTP rule; without this a webhook could not wake a scaled-to-zero app.
            name: 'http-requests'
            http: {
              metadata: {
                concurrentRequests: '50'
              }
            }
          }
        ]
      }
    }
  }
}

output fqdn string = app.properties.configuration.ingress.fqdn
output webhookUrl string = 'https://${app.properties.configuration.ingress.fqdn}/api/hubspot/webhooks'
