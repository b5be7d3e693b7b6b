using Azure.Core;
using Azure.Identity;

namespace LeadScoring.Core.Settings;

/// <summary>
/// The Microsoft Entra ID credential for Azure services reached without a key or connection string, following Azure
/// Functions' identity-based connections: <c>credential=managedidentity</c> (+ <c>clientId</c> of a user-assigned
/// identity) means exactly that managed identity; otherwise <see cref="DefaultAzureCredential"/> (managed identity in
/// Azure, the developer's az/azd/Visual Studio login on a workstation).
/// </summary>
internal static class AzureCredentials
{
    /// <summary>Client id of the user-assigned identity for Azure AI Search and Azure OpenAI (the Azure SDK's own setting name).</summary>
    public const string ClientIdName = "AZURE_CLIENT_ID";

    /// <summary>The only value Azure Functions accepts for a connection's <c>__credential</c> setting.</summary>
    public const string ManagedIdentity = "managedidentity";

    public static TokenCredential Create(bool managedIdentity, string? clientId) =>
        managedIdentity
            ? new ManagedIdentityCredential(clientId is null ? ManagedIdentityId.SystemAssigned : ManagedIdentityId.FromUserAssignedClientId(clientId))
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = clientId });

    /// <summary>A client id must be a GUID (the identity's "Client ID", not its name or resource id).</summary>
    internal static void CheckClientId(string? clientId, string settingName, List<ValidationError> errors)
    {
        if (clientId is not null && !Guid.TryParse(clientId, out _))
        {
            errors.Add(new(settingName, $"must be the client id (a GUID such as 00000000-0000-0000-0000-000000000000) of a user-assigned managed identity (got '{clientId}')"));
        }
    }
}
