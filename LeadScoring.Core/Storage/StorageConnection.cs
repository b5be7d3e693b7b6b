using System.Data.Common;
using Azure.Core;
using LeadScoring.Core.Settings;
using Microsoft.Extensions.Configuration;

namespace LeadScoring.Core.Storage;

/// <summary>
/// The <c>AzureWebJobsStorage</c> connection as Azure Functions reads it: a connection string (Azurite, or an account
/// key), or an identity-based connection — <c>AzureWebJobsStorage__accountName</c> or the service URIs
/// (<c>__queueServiceUri</c>, <c>__tableServiceUri</c>, <c>__blobServiceUri</c>), with <c>__credential=managedidentity</c>
/// and <c>__clientId</c> for a user-assigned identity. A connection string wins when both are given, as in Functions.
/// </summary>
public sealed class StorageConnection
{
    public const string Name = LeadScoringSettings.StorageName;
    public const string AccountNameName = Name + "__accountName";
    public const string QueueServiceUriName = Name + "__queueServiceUri";
    public const string TableServiceUriName = Name + "__tableServiceUri";
    public const string BlobServiceUriName = Name + "__blobServiceUri";
    public const string CredentialName = Name + "__credential";
    public const string ClientIdName = Name + "__clientId";

    /// <summary>The settings of an identity-based connection, as environment variables name them.</summary>
    public static IReadOnlyList<string> IdentityBasedNames { get; } = [AccountNameName, QueueServiceUriName, TableServiceUriName, BlobServiceUriName, CredentialName, ClientIdName];

    /// <summary>Every setting this class reads, as environment variables name them.</summary>
    public static IReadOnlyList<string> AllNames { get; } = [Name, .. IdentityBasedNames];

    private readonly List<ValidationError> _errors = [];

    /// <summary>No setting given: <see cref="Validate"/> says AzureWebJobsStorage is required.</summary>
    public static StorageConnection None { get; } = new();

    /// <summary>The connection string; null for an identity-based connection.</summary>
    public string? ConnectionString { get; private init; }

    public string? AccountName { get; private init; }

    /// <summary>The queue endpoint: <c>__queueServiceUri</c>, else <c>https://{accountName}.queue.core.windows.net</c>.</summary>
    public Uri? QueueServiceUri { get; private init; }

    /// <summary>The table endpoint: <c>__tableServiceUri</c>, else <c>https://{accountName}.table.core.windows.net</c>.</summary>
    public Uri? TableServiceUri { get; private init; }

    /// <summary>
    /// The blob endpoint. The product keeps no blobs today; it is read and checked because the Functions runtime keeps
    /// its host state there, so the same settings work after a move to Functions.
    /// </summary>
    public Uri? BlobServiceUri { get; private init; }

    /// <summary><c>__credential=managedidentity</c>: use exactly the managed identity, not the DefaultAzureCredential chain.</summary>
    public bool UseManagedIdentity { get; private init; }

    /// <summary>Client id of the user-assigned managed identity.</summary>
    public string? ClientId { get; private init; }

    public bool IsIdentityBased => ConnectionString is null;

    public static StorageConnection FromConnectionString(string connectionString) => new() { ConnectionString = connectionString };

    /// <summary>Reads the connection, recording (not throwing) what cannot be parsed; <see cref="Validate"/> reports it.</summary>
    public static StorageConnection Read(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? Get(string name) => configuration[name.Replace("__", ":", StringComparison.Ordinal)] is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var errors = new List<ValidationError>();
        var account = Get(AccountNameName);
        var credential = Get(CredentialName);
        if (credential is not null && !credential.Equals(AzureCredentials.ManagedIdentity, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new(CredentialName, $"must be '{AzureCredentials.ManagedIdentity}' or unset (unset: DefaultAzureCredential) (got '{credential}')"));
        }

        var clientId = Get(ClientIdName);
        AzureCredentials.CheckClientId(clientId, ClientIdName, errors);

        if (account is not null && !IsAccountName(account))
        {
            errors.Add(new(AccountNameName, $"must be a storage account name: 3–24 lowercase letters and digits (got '{account}')"));
            account = null;
        }

        var connection = new StorageConnection
        {
            ConnectionString = Get(Name),
            AccountName = account,
            QueueServiceUri = ServiceUri(Get(QueueServiceUriName), QueueServiceUriName, account, "queue", errors),
            TableServiceUri = ServiceUri(Get(TableServiceUriName), TableServiceUriName, account, "table", errors),
            BlobServiceUri = ServiceUri(Get(BlobServiceUriName), BlobServiceUriName, account, "blob", errors),
            UseManagedIdentity = credential is not null,
            ClientId = clientId,
        };
        connection._errors.AddRange(errors);
        return connection;
    }

    /// <summary>Every problem, each naming its setting; empty when clients can be built.</summary>
    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        if (ConnectionString is { } connection)
        {
            CheckConnectionString(connection, errors);
            return errors;
        }

        errors.AddRange(_errors);
        if (_errors.Count > 0)
        {
            return errors;
        }

        if (QueueServiceUri is null && TableServiceUri is null)
        {
            errors.Add(new(Name, $"is required: an Azure Storage connection string (UseDevelopmentStorage=true for Azurite), or {AccountNameName} (or {QueueServiceUriName} and {TableServiceUriName}) for an identity-based connection"));
        }
        else if (QueueServiceUri is null)
        {
            errors.Add(new(QueueServiceUriName, $"is required with {TableServiceUriName} unless {AccountNameName} is set: the queues' endpoint, e.g. https://ACCOUNT.queue.core.windows.net"));
        }
        else if (TableServiceUri is null)
        {
            errors.Add(new(TableServiceUriName, $"is required with {QueueServiceUriName} unless {AccountNameName} is set: the tables' endpoint, e.g. https://ACCOUNT.table.core.windows.net"));
        }

        return errors;
    }

    /// <summary>The token credential of an identity-based connection.</summary>
    public TokenCredential CreateCredential() => AzureCredentials.Create(UseManagedIdentity, ClientId);

    private static Uri? ServiceUri(string? text, string name, string? account, string service, List<ValidationError> errors)
    {
        if (text is null)
        {
            return account is null ? null : new Uri($"https://{account}.{service}.core.windows.net/");
        }

        // The SDK sends bearer tokens over TLS only (Azurite over http takes the connection string instead).
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps)
        {
            return uri;
        }

        errors.Add(new(name, $"must be an absolute https URL such as https://ACCOUNT.{service}.core.windows.net (got '{text}')"));
        return null;
    }

    private static bool IsAccountName(string name) =>
        name.Length is >= 3 and <= 24 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));

    private static void CheckConnectionString(string connection, List<ValidationError> errors)
    {
        var builder = new DbConnectionStringBuilder();
        try
        {
            builder.ConnectionString = connection;
        }
        catch (ArgumentException)
        {
            errors.Add(new(Name, "is not a connection string of key=value pairs separated by ';'"));
            return;
        }

        var development = builder.TryGetValue("UseDevelopmentStorage", out var dev) && string.Equals(dev as string, "true", StringComparison.OrdinalIgnoreCase);
        var account = builder.ContainsKey("AccountName") && builder.ContainsKey("AccountKey");
        var endpoints = builder.ContainsKey("BlobEndpoint") || builder.ContainsKey("QueueEndpoint") || builder.ContainsKey("TableEndpoint");
        if (!development && !account && !endpoints)
        {
            errors.Add(new(Name, "needs UseDevelopmentStorage=true, AccountName and AccountKey, or service endpoints (BlobEndpoint/QueueEndpoint/TableEndpoint)"));
        }
    }
}
