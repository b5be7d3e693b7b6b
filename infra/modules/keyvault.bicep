// Key Vault (RBAC): the HubSpot credentials and the callers' keys. The function app reads them as Key Vault
// references with the app identity (Key Vault Secrets User on this vault only); their values never appear in app settings,
// in the package or in a deployment output.

@description('Vault name (3–24 letters, digits and dashes).')
param name string

@description('Azure region.')
param location string

@description('Principal id of the app identity that may read the secrets.')
param principalId string

@description('privateApp: HUBSPOT_ACCESS_TOKEN; oauth: HUBSPOT_CLIENT_ID + HUBSPOT_REFRESH_TOKEN.')
@allowed(['privateApp', 'oauth'])
param hubSpotAuth string

@secure()
@description('HubSpot private-app access token (hubSpotAuth = privateApp).')
param hubSpotAccessToken string

@secure()
@description('HubSpot OAuth refresh token (hubSpotAuth = oauth).')
param hubSpotRefreshToken string

@secure()
@description('The HubSpot app\'s client secret: signs the webhooks (and authenticates the OAuth refresh).')
param hubSpotClientSecret string

@secure()
@description('LEAD_SCORE_API_KEYS: callers\' keys and roles, Role=key;Role=key.')
param apiKeys string

// Read secrets only: no listing of keys or certificates, no writes.
var keyVaultSecretsUser = '4633458b-17de-408a-b874-0445c86b69e6'

resource vault 'Microsoft.KeyVault/vaults@2026-05-15' = {
  name: name
  location: location
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 7
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource accessToken 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (hubSpotAuth == 'privateApp') {
  parent: vault
  name: 'hubspot-access-token'
  properties: {
    value: hubSpotAccessToken
  }
}

resource refreshToken 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = if (hubSpotAuth == 'oauth') {
  parent: vault
  name: 'hubspot-refresh-token'
  properties: {
    value: hubSpotRefreshToken
  }
}

resource clientSecret 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: 'hubspot-client-secret'
  properties: {
    value: hubSpotClientSecret
  }
}

resource callerKeys 'Microsoft.KeyVault/vaults/secrets@2026-05-15' = {
  parent: vault
  name: 'lead-score-api-keys'
  properties: {
    value: apiKeys
  }
}

resource roleAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: vault
  name: guid(vault.id, principalId, keyVaultSecretsUser)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUser)
  }
}

output vaultUri string = vault.properties.vaultUri

// Names only, so the function app references exactly the secrets created here (they are also written there).
output accessTokenName string = hubSpotAuth == 'privateApp' ? accessToken.name : ''
output refreshTokenName string = hubSpotAuth == 'oauth' ? refreshToken.name : ''
output clientSecretName string = clientSecret.name
output apiKeysName string = callerKeys.name
