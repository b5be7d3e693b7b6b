// The host: an Azure Functions app (isolated worker, .NET) on a Flex Consumption plan. It runs as the user-assigned
// identity for everything: the deployment package container, AzureWebJobsStorage (host, queue trigger, Durable task
// hub), Key Vault references, Azure AI Search and Azure OpenAI. No FTP, no basic publishing credentials, HTTPS only.
// The app settings are a separate resource (functionapp-settings.bicep) because one of them is this site's host name.

@description('Function app name; also the first label of its default host name (NAME.azurewebsites.net).')
param name string

@description('Flex Consumption plan name.')
param planName string

@description('Azure region.')
param location string

@description('Resource id of the app\'s user-assigned identity.')
param identityId string

@description('Blob endpoint of the storage account (https://ACCOUNT.blob.core.windows.net/) and the container the deployment package is uploaded to.')
param blobEndpoint string
param deploymentContainerName string

@description('functionAppConfig.runtime: the language worker and its version (the project\'s TargetFramework without "net").')
@allowed(['dotnet-isolated'])
param runtimeName string
param runtimeVersion string

@description('Most instances the platform may scale out to (all trigger groups together).')
@minValue(1)
@maxValue(1000)
param maximumInstanceCount int

@description('Memory of one instance (512 MB: 0.25 core, 2048 MB: 1 core, 4096 MB: 2 cores).')
@allowed([512, 2048, 4096])
param instanceMemoryMB int

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  kind: 'functionapp'
  sku: {
    name: 'FC1'
    tier: 'FlexConsumption'
  }
  properties: {
    // Linux.
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    clientCertEnabled: false
    publicNetworkAccess: 'Enabled'
    // @Microsoft.KeyVault(...) app settings are resolved with the user-assigned identity (default: a system-assigned one, which this app has not).
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${blobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: runtimeName
        version: runtimeVersion
      }
    }
  }
}

// Publishing goes through Microsoft Entra ID (az functionapp deployment source config-zip): no FTP or SCM basic credentials.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2025-03-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
