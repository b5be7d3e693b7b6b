// Log Analytics and a workspace-based Application Insights, which the Functions host writes its telemetry to
// (APPLICATIONINSIGHTS_CONNECTION_STRING) authenticated with the app identity (APPLICATIONINSIGHTS_AUTHENTICATION_STRING,
// Monitoring Metrics Publisher on the component).

@description('Name prefix of both resources.')
param name string

@description('Azure region.')
param location string

@description('Days the logs are kept (30 is included in the price).')
@minValue(30)
@maxValue(730)
param retentionInDays int

@description('Principal id of the app identity that sends telemetry with Microsoft Entra ID.')
param principalId string

// Publish telemetry only: no reading of logs or metrics.
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource workspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: retentionInDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: '${name}-insights'
  location: location
  kind: 'web'
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: workspace.id
    IngestionMode: 'LogAnalytics'
  }
}

resource roleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: appInsights
  name: guid(appInsights.id, principalId, monitoringMetricsPublisher)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
  }
}

output workspaceName string = workspace.name
output appInsightsName string = appInsights.name

// Not a credential (it names the component and its ingestion endpoint); ingestion itself is authenticated with the identity.
output appInsightsConnectionString string = appInsights.properties.ConnectionString
