// The Container Apps environment (consumption plan): console and system logs go to the Log Analytics workspace, and
// the environment's managed OpenTelemetry agent forwards the apps' traces and logs to Application Insights (it gives
// each container the standard OTEL_EXPORTER_OTLP_* variables, so no app setting carries a connection string).

@description('Environment name.')
param name string

@description('Azure region.')
param location string

@description('The Log Analytics workspace that receives the logs.')
param workspaceName string

@description('The Application Insights resource that receives the OpenTelemetry traces and logs.')
param appInsightsName string

resource workspace 'Microsoft.OperationalInsights/workspaces@2026-03-01' existing = {
  name: workspaceName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource environment 'Microsoft.App/managedEnvironments@2026-07-01' = {
  name: name
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: workspace.properties.customerId
        sharedKey: workspace.listKeys().primarySharedKey
      }
    }
    appInsightsConfiguration: {
      connectionString: appInsights.properties.ConnectionString
    }
    openTelemetryConfiguration: {
      tracesConfiguration: {
        destinations: ['appInsights']
      }
      logsConfiguration: {
        destinations: ['appInsights']
      }
    }
    zoneRedundant: false
  }
}

output id string = environment.id
output defaultDomain string = environment.properties.defaultDomain
