// Azure Storage, the function app's AzureWebJobsStorage: the Functions host's blobs (locks, keys), the score-requests
// queue (and its poison queue), the product's tables, the Durable Functions task hub (its control and work-item
// queues, History and Instances tables, lease and payload blobs) and the container the deployment package is uploaded
// to. Shared-key access is off, so the only way in is Microsoft Entra ID: the app's identity gets data-plane roles on
// this account alone.

@description('Storage account name (3–24 lowercase letters and digits).')
@minLength(3)
@maxLength(24)
param name string

@description('Azure region.')
param location string

@description('Principal id of the app identity that gets the data roles.')
param principalId string

@description('The queue the host\'s queue trigger consumes (StorageNames.ScoreRequests).')
param scoreQueueName string

@description('Blob container of the Flex Consumption deployment package.')
param deploymentContainerName string

var roles = {
  // Send, receive, delete messages (the queue trigger, the Durable control and work-item queues), create queues.
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  // Score history, ledgers, checkpoints, training records, the Durable History and Instances tables: read/write, create.
  storageTableDataContributor: '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3'
  // The Functions host's locks and keys, the Durable task hub's leases and large payloads, the deployment package.
  // Owner rather than Contributor: what Microsoft documents for an identity-based AzureWebJobsStorage (the host
  // manages blob leases and containers).
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
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

// Created here as well as by the host at start-up, so the scale controller sees the queue before the first start.
resource scoreQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2026-06-01' = {
  parent: queueService
  name: scoreQueueName
}

// The Functions queue trigger's convention: a message that fails maxDequeueCount times moves to QUEUE-poison.
resource poisonQueue 'Microsoft.Storage/storageAccounts/queueServices/queues@2026-06-01' = {
  parent: queueService
  name: '${scoreQueueName}-poison'
}

resource blobService 'Microsoft.Storage/storageAccounts/blobServices@2026-06-01' = {
  parent: account
  name: 'default'
}

// Flex Consumption runs the package uploaded here (az functionapp deployment source config-zip); private, read with the identity.
resource deploymentContainer 'Microsoft.Storage/storageAccounts/blobServices/containers@2026-06-01' = {
  parent: blobService
  name: deploymentContainerName
  properties: {
    publicAccess: 'None'
  }
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
output deploymentContainerName string = deploymentContainer.name
