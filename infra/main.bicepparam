// Example parameters. Secrets are read from environment variables when the deployment command runs, so they are
// never written to a file: export HUBSPOT_ACCESS_TOKEN, HUBSPOT_CLIENT_SECRET and LEAD_SCORE_API_KEYS first (see
// docs/deploy.md). The app's code is deployed afterwards as a zip package (az functionapp deployment source config-zip).
using 'main.bicep'

param namePrefix = 'leadscoring'
param maximumInstanceCount = 40
param instanceMemoryMB = 2048
param searchSku = 'basic'

param hubSpotAuth = 'privateApp'
param hubSpotAccessToken = readEnvironmentVariable('HUBSPOT_ACCESS_TOKEN')
param hubSpotClientSecret = readEnvironmentVariable('HUBSPOT_CLIENT_SECRET')
param apiKeys = readEnvironmentVariable('LEAD_SCORE_API_KEYS')
param hubSpotPortalId = '1000001'
param highPriorityWorkflowId = ''

param updateInterval = '15m'
param retrainInterval = '7d'
param decayInterval = '1d'
param minConfidence = '0.7'
