using Azure;
using Azure.Search.Documents;
using Azure.Search.Documents.Indexes;
using LeadScoring.Core.Settings;
using Microsoft.Extensions.Configuration;

namespace LeadScoring.Core.Training.AzureSearch;

/// <summary>
/// Where the Azure AI Search vector index lives, read from flat setting names as Azure Functions apps use them
/// (environment variables or local.settings.json <c>Values</c>). <see cref="Validate"/> names the setting of each problem.
/// </summary>
internal sealed class AzureSearchOptions
{
    public const string EndpointName = "AZURE_SEARCH_ENDPOINT";
    public const string ApiKeyName = "AZURE_SEARCH_API_KEY";
    public const string IndexNameName = "AZURE_SEARCH_INDEX";
    public const string DefaultIndexName = "leadscoring-training";

    /// <summary>An index name is at most 128 characters (Azure AI Search naming rules).</summary>
    public const int MaxIndexNameLength = 128;

    /// <summary>Every setting this class reads.</summary>
    public static IReadOnlyList<string> AllNames { get; } = [EndpointName, ApiKeyName, IndexNameName];

    /// <summary>The service URL, e.g. <c>https://NAME.search.windows.net</c>.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>An admin key of the service (the index is created and written); null = Microsoft Entra ID. Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>With no key: the user-assigned identity (AZURE_CLIENT_ID) for DefaultAzureCredential; null = its default.</summary>
    public string? ClientId { get; set; }

    public string IndexName { get; set; } = DefaultIndexName;

    /// <summary>The length of the embedder's vectors: the vector field's dimensions. Set from the embedder, not a setting.</summary>
    public int Dimensions { get; set; }

    /// <summary>True when any of the settings is present: Azure AI Search is wanted (and must then be valid).</summary>
    public bool IsConfigured => Endpoint is not null || ApiKey is not null || _rawEndpoint is not null;

    private readonly List<ValidationError> _parseErrors = [];
    private string? _rawEndpoint;

    /// <summary>Reads the settings, recording (not throwing) what cannot be parsed; <see cref="Validate"/> reports it.</summary>
    /// <param name="dimensions">The embedder's vector length.</param>
    public static AzureSearchOptions ReadFrom(IConfiguration configuration, int dimensions)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        string? Get(string name) => configuration[name] is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        var options = new AzureSearchOptions { ApiKey = Get(ApiKeyName), ClientId = Get(AzureCredentials.ClientIdName), IndexName = Get(IndexNameName) ?? DefaultIndexName, Dimensions = dimensions };
        if (Get(EndpointName) is { } endpoint)
        {
            options._rawEndpoint = endpoint;
            if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            {
                options.Endpoint = uri;
            }
            else
            {
                options._parseErrors.Add(new(EndpointName, $"must be an absolute https URL such as https://NAME.search.windows.net (got '{endpoint}')"));
            }
        }

        return options;
    }

    /// <summary>Every problem, each naming its setting; empty when the options can build a client.</summary>
    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>(_parseErrors);
        if (Endpoint is null)
        {
            if (_rawEndpoint is null)
            {
                errors.Add(new(EndpointName, "is required: the Azure AI Search service URL, such as https://NAME.search.windows.net"));
            }
        }
        else if (Endpoint.Scheme != Uri.UriSchemeHttps)
        {
            // The SDK refuses anything else, and the admin key must not travel in the clear.
            errors.Add(new(EndpointName, $"must use https (got '{Endpoint}')"));
        }

        // No key: Microsoft Entra ID, with the roles Search Index Data Contributor and Search Service Contributor
        // (the index is created by the app).
        if (ApiKey is not null && ApiKey.Any(char.IsWhiteSpace))
        {
            errors.Add(new(ApiKeyName, "must not contain spaces"));
        }

        if (!IsValidIndexName(IndexName))
        {
            errors.Add(new(IndexNameName, $"must be 1–{MaxIndexNameLength} lower-case letters, digits and single dashes, starting and ending with a letter or digit (got '{IndexName}')"));
        }

        if (Dimensions is < 1 or > AzureSearchVectorIndex.MaxDimensions)
        {
            errors.Add(new(nameof(Dimensions), $"the embedder's vectors must have 1–{AzureSearchVectorIndex.MaxDimensions} dimensions for Azure AI Search (got {Dimensions})"));
        }

        return errors;
    }

    /// <summary>A client for the service; throws <see cref="InputValidationException"/> listing every problem when the options are not valid.</summary>
    /// <param name="clientOptions">Pipeline options (retries, transport); the SDK's defaults when null.</param>
    public SearchIndexClient CreateIndexClient(SearchClientOptions? clientOptions = null)
    {
        var errors = Validate();
        if (errors.Count > 0)
        {
            throw new InputValidationException("The Azure AI Search settings", errors);
        }

        return ApiKey is { } key
            ? new SearchIndexClient(Endpoint!, new AzureKeyCredential(key), clientOptions ?? new SearchClientOptions())
            : new SearchIndexClient(Endpoint!, AzureCredentials.Create(managedIdentity: false, ClientId), clientOptions ?? new SearchClientOptions());
    }

    /// <summary>Lower-case letters, digits and dashes; starts and ends with a letter or digit; no two dashes in a row.</summary>
    public static bool IsValidIndexName(string? name) =>
        !string.IsNullOrEmpty(name)
        && name.Length <= MaxIndexNameLength
        && name.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
        && name[0] != '-' && name[^1] != '-'
        && !name.Contains("--", StringComparison.Ordinal);
}
