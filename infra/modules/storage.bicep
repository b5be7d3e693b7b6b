// Azure Storage: the score-requests queue (and its poison queue), the tables and blobs. Shared-key access is off,
// so the only way in is Microsoft Entra ID: the app's identity gets data-plane roles on this account alone.

@description('Storage account name (3–24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Principal id of the app identity that gets the data roles.')
param principalId string

@description('The queue the host consumes and KEDA scales on (StorageNames.ScoreRequests).')
param scoreQueueName string

var roles = {
  // Send, receive, delete messages (the pipeline), create queues at start-up; KEDA reads the queue length with it.
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Score history, ledgers, checkpoints, training records: read/write entities, create tables at start-up.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // Not used by the host today; the Azure Functions runtime (ARCHITECTURE.md's re-hosting path) keeps its host
  // locks and keys in blobs of AzureWebJobsStorage.
  storageBlobDataContributor: 'ba92f5b4-2d11-453d-a403-e96b0029c9fe'
}

resource account 'Microsoft.Storage/storageAccounts@2026-06-01' = {
  name: name
  location: location
  kind: 'StorageV2'
  sku: {
    name: 'Standard_LRS'
  }
  properties: {
    allowSharedKeyAccess: false
    defaultToOAuthAuthentication: true
    allowBlobPublicAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    accessTier: 'Hot'
  }
}

resource queueService 'Microsoft.Storage/storageAccounts/queueServices@2026-06-01' = {
  parent: account
  name: 'default'
}

// Created here (the host also creates it at start-up) so the KEDA scale rule has a queue to read before the first start.
resource scoreQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2026-06-01' = {
  parent: queueService
  name: scoreQueueName
}

resource poisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2026-06-01' = {
  parent: queueService
  name: '${scoreQueueName}-poison'
}

// The batch rescore's lane, drained when no webhook work waits.
resource batchQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2026-06-01' = {
  parent: queueService
  name: '${scoreQueueName}-batch'
}

resource roleAssignments 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for role in items(roles): {
    scope: account
    name: guid(account.id, principalId, role.value)
    properties: {
      principalId: principalId
      principalType: 'ServicePrincipal'
      roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', role.value)
    }
  }
]

output name string = account.name
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
output blobEndpoint string = account.properties.primaryEndpoints.blob
output scoreQueueName string = scoreQueue.name
output poisonQueueName string = poisonQueue.name
