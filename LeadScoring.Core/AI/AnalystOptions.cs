using System.Globalization;
using LeadScoring.Core.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.AI;

/// <summary>
/// Settings of the optional AI analyst, read from flat names like the rest of the product. The analyst is off unless
/// <c>AZURE_OPENAI_ENDPOINT</c> is set. Parsing problems are kept and reported by <see cref="AnalystOptionsValidator"/>.
/// </summary>
internal sealed class AnalystOptions
{
    public const string EndpointName = "AZURE_OPENAI_ENDPOINT";
    public const string ApiKeyName = "AZURE_OPENAI_API_KEY";
    public const string ChatDeploymentName = "AZURE_OPENAI_CHAT_DEPLOYMENT";
    public const string TimeoutName = "LEAD_SCORE_ANALYST_TIMEOUT";
    public const string MinConfidenceName = LeadScoringSettings.MinConfidenceName;

    public const string DefaultChatDeployment = "gpt-4o-mini";
    public const double DefaultMinConfidence = 0.7;

    /// <summary>Every setting this class reads.</summary>
    public static IReadOnlyList<string> AllNames { get; } = [EndpointName, ApiKeyName, ChatDeploymentName, TimeoutName, MinConfidenceName];

    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromSeconds(10);

    public static TimeSpan MaxTimeout { get; } = TimeSpan.FromMinutes(2);

    /// <summary>The Azure OpenAI resource, e.g. <c>https://my-resource.openai.azure.com/</c>; null = analyst off.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary>Azure OpenAI key; null = Microsoft Entra ID (DefaultAzureCredential). Never logged.</summary>
    public string? ApiKey { get; set; }

    /// <summary>With no key: the user-assigned identity (AZURE_CLIENT_ID) for DefaultAzureCredential; null = its default.</summary>
    public string? ClientId { get; set; }

    /// <summary>Name of the chat model deployment. Default <c>gpt-4o-mini</c>.</summary>
    public string ChatDeployment { get; set; } = DefaultChatDeployment;

    /// <summary>How long one analysis may take before the deterministic score stands. Default 10 s.</summary>
    public TimeSpan Timeout { get; set; } = DefaultTimeout;

    /// <summary>The analyst's answer is used only at or above this confidence (0–1). Default 0.7.</summary>
    public double MinConfidence { get; set; } = DefaultMinConfidence;

    public bool Enabled => Endpoint is not null;

    internal List<ValidationError> ParseErrors { get; } = [];

    public static AnalystOptions Read(IConfiguration configuration)
    {
        var options = new AnalystOptions();
        options.ReadFrom(configuration);
        return options;
    }

    /// <summary>Reads every setting from configuration, recording (not throwing) what cannot be parsed.</summary>
    public void ReadFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ParseErrors.Clear();
        string? Get(string name) => configuration[name] is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        Endpoint = null;
        if (Get(EndpointName) is { } endpoint)
        {
            if (Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            {
                Endpoint = uri;
            }
            else
            {
                ParseErrors.Add(new(EndpointName, $"must be the absolute http(s) URL of the Azure OpenAI resource, e.g. https://my-resource.openai.azure.com/ (got '{endpoint}')"));
            }
        }

        ApiKey = Get(ApiKeyName);
        ClientId = Get(AzureCredentials.ClientIdName);
        ChatDeployment = Get(ChatDeploymentName) ?? DefaultChatDeployment;

        if (Get(TimeoutName) is { } timeout)
        {
            if (Durations.TryParse(timeout, out var duration))
            {
                Timeout = duration;
            }
            else
            {
                ParseErrors.Add(new(TimeoutName, $"must be a duration such as 10s, 0.5s or 00:00:10 (got '{timeout}')"));
            }
        }

        if (Get(MinConfidenceName) is { } confidence)
        {
            if (double.TryParse(confidence, NumberStyles.Float, CultureInfo.InvariantCulture, out var c))
            {
                MinConfidence = c;
            }
            else
            {
                ParseErrors.Add(new(MinConfidenceName, $"must be a number between 0 and 1 such as 0.7 (got '{confidence}')"));
            }
        }
    }
}

/// <summary>Start-up validation of <see cref="AnalystOptions"/>: each failure names its setting.</summary>
internal sealed class AnalystOptionsValidator : IValidateOptions<AnalystOptions>
{
    public ValidateOptionsResult Validate(string? name, AnalystOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => e.ToString()));
    }

    public static IReadOnlyList<ValidationError> Check(AnalystOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var errors = new List<ValidationError>(o.ParseErrors);

        if (o.Endpoint is { } endpoint)
        {
            if (!endpoint.IsAbsoluteUri || (endpoint.Scheme != Uri.UriSchemeHttps && endpoint.Scheme != Uri.UriSchemeHttp))
            {
                errors.Add(new(AnalystOptions.EndpointName, $"must be an absolute http(s) URL (got '{endpoint}')"));
            }
            else if (endpoint.Scheme == Uri.UriSchemeHttp && !endpoint.IsLoopback)
            {
                // The key (or an Entra ID token) would travel in clear text.
                errors.Add(new(AnalystOptions.EndpointName, $"must use https unless it points at this machine (got '{endpoint}')"));
            }

            if (string.IsNullOrWhiteSpace(o.ChatDeployment))
            {
                errors.Add(new(AnalystOptions.ChatDeploymentName, $"is required when {AnalystOptions.EndpointName} is set: the name of the chat model deployment, e.g. {AnalystOptions.DefaultChatDeployment}"));
            }
        }

        if (!string.IsNullOrWhiteSpace(o.ChatDeployment) && (o.ChatDeployment.Length > 64 || !o.ChatDeployment.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.')))
        {
            errors.Add(new(AnalystOptions.ChatDeploymentName, $"must be 1–64 characters of letters, digits, '-', '_' or '.' (got '{o.ChatDeployment}')"));
        }

        if (o.ApiKey is { } key && key.Any(char.IsWhiteSpace))
        {
            errors.Add(new(AnalystOptions.ApiKeyName, "must not contain spaces (paste the key alone)"));
        }

        if (o.Timeout <= TimeSpan.Zero || o.Timeout > AnalystOptions.MaxTimeout)
        {
            errors.Add(new(AnalystOptions.TimeoutName, $"must be more than 0 and at most 2 minutes (got {o.Timeout})"));
        }

        if (!(o.MinConfidence is >= 0 and <= 1))
        {
            errors.Add(new(AnalystOptions.MinConfidenceName, $"must be between 0 and 1 (got {o.MinConfidence.ToString(CultureInfo.InvariantCulture)})"));
        }

        return errors;
    }
}
