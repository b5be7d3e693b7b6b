using System.Globalization;
using LeadScoring.Core.Security;
using LeadScoring.Core.Storage;
using Microsoft.Extensions.Configuration;

namespace LeadScoring.Core.Settings;

/// <summary>
/// The product's settings, read from flat names as Azure Functions apps use them (environment variables or
/// local.settings.json <c>Values</c>). Parsing problems are kept and reported by <see cref="LeadScoringSettingsValidator"/>
/// at start-up, each naming its setting.
/// </summary>
public sealed class LeadScoringSettings
{
    public const string HubSpotAccessTokenName = "HUBSPOT_ACCESS_TOKEN";
    public const string HubSpotClientIdName = "HUBSPOT_CLIENT_ID";
    public const string HubSpotClientSecretName = "HUBSPOT_CLIENT_SECRET";
    public const string HubSpotRefreshTokenName = "HUBSPOT_REFRESH_TOKEN";
    public const string HighPriorityWorkflowIdName = "HUBSPOT_HIGH_PRIORITY_WORKFLOW_ID";
    public const string PortalIdName = "HUBSPOT_PORTAL_ID";
    public const string HubSpotBaseUrlName = "HUBSPOT_BASE_URL";
    public const string UpdateIntervalName = "LEAD_SCORE_UPDATE_INTERVAL";
    public const string UpdateScheduleName = "LEAD_SCORE_UPDATE_SCHEDULE";
    public const string InitialRescoreName = "LEAD_SCORE_INITIAL_RESCORE";
    public const string WebhookUrlName = "HUBSPOT_WEBHOOK_URL";
    public const string MinConfidenceName = "LEAD_SCORE_MIN_CONFIDENCE";
    public const string RetrainIntervalName = "LEAD_SCORE_RETRAIN_INTERVAL";
    public const string DecayIntervalName = "LEAD_SCORE_DECAY_INTERVAL";
    public const string ModelVersionName = "LEAD_SCORE_MODEL_VERSION";
    public const string ScoringProfilePathName = "LEAD_SCORE_PROFILE_PATH";
    public const string ApiKeysName = "LEAD_SCORE_API_KEYS";
    public const string StorageName = "AzureWebJobsStorage";
    public const string StoragePrefixName = "LEAD_SCORE_STORAGE_PREFIX";
    public const string OutcomeWindowName = "LEAD_SCORE_OUTCOME_WINDOW";
    public const string TrainingRecordWeightName = "LEAD_SCORE_TRAINING_RECORD_WEIGHT";
    public const string MinOutcomesName = "LEAD_SCORE_MIN_OUTCOMES";
    public const string MinPositivesName = "LEAD_SCORE_MIN_POSITIVES";
    public const string WeightBandName = "LEAD_SCORE_WEIGHT_BAND";
    public const string AlertWebhookUrlName = "LEAD_SCORE_ALERT_WEBHOOK_URL";
    public const string AlertErrorRateName = "LEAD_SCORE_ALERT_ERROR_RATE";
    public const string AlertWindowName = "LEAD_SCORE_ALERT_WINDOW";
    public const string AlertQuietPeriodName = "LEAD_SCORE_ALERT_QUIET_PERIOD";
    public const string HealthMaxBacklogName = "LEAD_SCORE_HEALTH_MAX_BACKLOG";
    public const string HealthMaxP95Name = "LEAD_SCORE_HEALTH_MAX_P95";
    public const string EntraTenantIdName = "LEAD_SCORE_ENTRA_TENANT_ID";
    public const string EntraClientIdName = "LEAD_SCORE_ENTRA_CLIENT_ID";
    public const string EntraInstanceName = "LEAD_SCORE_ENTRA_INSTANCE";
    public const string ClosedLifecycleStagesName = "LEAD_SCORE_CLOSED_LIFECYCLE_STAGES";
    public const string KeyOwnersName = "LEAD_SCORE_KEY_OWNERS";

    /// <summary>Every setting this class reads; deployment templates are checked against this list.</summary>
    public static IReadOnlyList<string> AllNames { get; } =
    [
        HubSpotAccessTokenName, HubSpotClientIdName, HubSpotClientSecretName, HubSpotRefreshTokenName, HighPriorityWorkflowIdName, PortalIdName, HubSpotBaseUrlName, WebhookUrlName, UpdateIntervalName, UpdateScheduleName, InitialRescoreName,
        MinConfidenceName, RetrainIntervalName, DecayIntervalName, ModelVersionName, ScoringProfilePathName, ApiKeysName, StorageName, StoragePrefixName,
        AzureCredentials.ClientIdName, .. StorageConnection.IdentityBasedNames,
        OutcomeWindowName, TrainingRecordWeightName, MinOutcomesName, MinPositivesName, WeightBandName,
        AlertWebhookUrlName, AlertErrorRateName, AlertWindowName, AlertQuietPeriodName, EntraTenantIdName, EntraClientIdName, EntraInstanceName,
        ClosedLifecycleStagesName, KeyOwnersName,
        HealthMaxBacklogName, HealthMaxP95Name,
    ];

    public static Uri DefaultHubSpotBaseUrl { get; } = new("https://api.hubapi.com/");

    /// <summary>HubSpot private-app token. Never logged.</summary>
    public string HubSpotAccessToken { get; set; } = "";

    /// <summary>OAuth app client id (with the secret and refresh token, instead of an access token).</summary>
    public string? HubSpotClientId { get; set; }

    /// <summary>The app's client secret: signs HubSpot's webhooks, and authenticates the OAuth refresh. Never logged.</summary>
    public string? HubSpotClientSecret { get; set; }

    /// <summary>OAuth refresh token of the installed app. Never logged.</summary>
    public string? HubSpotRefreshToken { get; set; }

    public long? HighPriorityWorkflowId { get; set; }

    public long? PortalId { get; set; }

    public Uri HubSpotBaseUrl { get; set; } = DefaultHubSpotBaseUrl;

    /// <summary>The public URL HubSpot posts webhooks to (what it signs); null = the URL as the request arrived.</summary>
    public Uri? WebhookUrl { get; set; }

    /// <summary>NCrontab schedule for the batch rescore (5 fields, or 6 with seconds); overrides the interval.</summary>
    public NCrontab.CrontabSchedule? UpdateSchedule { get; set; }

    /// <summary>Score the whole portal at start-up when no batch has run yet (a fresh install). Default true.</summary>
    public bool InitialRescore { get; set; } = true;

    /// <summary>How often the batch rescore runs. Default 15 minutes; 1 minute to 24 hours.</summary>
    public TimeSpan UpdateInterval { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>The AI analyst's answer is used only at or above this confidence (0–1). Default 0.7.</summary>
    public double MinConfidence { get; set; } = 0.7;

    /// <summary>How often the close-probability model retrains. Default 7 days; 1 hour to 90 days.</summary>
    public TimeSpan RetrainInterval { get; set; } = TimeSpan.FromDays(7);

    /// <summary>How often the decay pass rescores every lead from its snapshot (no HubSpot reads). Default 1 day; 1 hour to 7 days.</summary>
    public TimeSpan DecayInterval { get; set; } = TimeSpan.FromDays(1);

    /// <summary>Pins a model version instead of the latest promoted one.</summary>
    public string? ModelVersion { get; set; }

    /// <summary>A deal won this long after a scoring counts as that scoring's outcome.</summary>
    public TimeSpan OutcomeWindow { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Weight of a hand-classified training record relative to a real outcome when the model is trained.</summary>
    public double TrainingRecordWeight { get; set; } = 0.5;

    /// <summary>Below this many labelled outcomes no model is trained (the logistic prior stays).</summary>
    public int MinOutcomes { get; set; } = 200;

    /// <summary>Below this many positive outcomes no model is trained.</summary>
    public int MinPositives { get; set; } = 40;

    /// <summary>How far a refitted component weight may move from the profile's (e.g. 0.10: 30 % → 20–40 %).</summary>
    public double WeightBand { get; set; } = 0.10;

    /// <summary>A scoring profile JSON file; the built-in default profile is used when unset.</summary>
    public string? ScoringProfilePath { get; set; }

    /// <summary>AzureWebJobsStorage: a connection string, or an identity-based connection.</summary>
    public StorageConnection Storage { get; set; } = StorageConnection.None;

    /// <summary>Azure Storage connection string, or null when an identity-based connection is configured.</summary>
    public string? StorageConnectionString => Storage.ConnectionString;

    /// <summary>Storage account name for identity-based connections (AzureWebJobsStorage__accountName).</summary>
    public string? StorageAccountName => Storage.AccountName;

    /// <summary>Client id of the user-assigned identity used for Azure AI Search and Azure OpenAI when they have no key.</summary>
    public string? AzureClientId { get; set; }

    /// <summary>Prefix of every queue and table name, so environments can share a storage account. Default none.</summary>
    public string StoragePrefix { get; set; } = "";

    public ApiKeyRing ApiKeys { get; set; } = ApiKeyRing.Empty;

    /// <summary>Incoming-webhook URL (Teams / Slack) for admin alerts; null = alerts are only logged.</summary>
    public Uri? AlertWebhookUrl { get; set; }

    /// <summary>Share of failed HubSpot calls (0–1] over <see cref="AlertWindow"/> that raises an alert and degrades health. Default 0.5.</summary>
    public double AlertErrorRate { get; set; } = 0.5;

    /// <summary>The window error rates are measured over (alerts, health, operations page). Default 5 minutes; 5 s to 1 h.</summary>
    public TimeSpan AlertWindow { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Score requests waiting in the queue above which health is <c>degraded</c> (work is arriving faster than it is done). Default 1,000; 1 to 10,000,000.</summary>
    public int HealthMaxBacklog { get; set; } = 1_000;

    /// <summary>95th-percentile scoring-batch latency (last 15 minutes) above which health is <c>degraded</c>. Default 5 seconds; 100 ms to 10 minutes.</summary>
    public TimeSpan HealthMaxP95 { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>After an alert, more of its kind within this period are only counted. Default 1 hour; 10 s to 7 days.</summary>
    public TimeSpan AlertQuietPeriod { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Microsoft Entra ID tenant; with <see cref="EntraClientId"/> it turns on Entra sign-in (JWT bearer + OpenID Connect). Off when unset.</summary>
    public string? EntraTenantId { get; set; }

    /// <summary>The app registration's client id (the token audience); app roles Admin, Manager, Rep, Marketing.</summary>
    public string? EntraClientId { get; set; }

    /// <summary>The Entra authority host; default https://login.microsoftonline.com/.</summary>
    public Uri EntraInstance { get; set; } = new("https://login.microsoftonline.com/");

    /// <summary>
    /// Lifecycle stages of contacts that already bought (comma-separated, e.g. <c>customer,evangelist</c>): they leave the
    /// call queue and never count as positive fit. Null = the scoring profile's list (default customer, evangelist).
    /// </summary>
    public IReadOnlyList<string>? ClosedLifecycleStages { get; set; }

    /// <summary>Which HubSpot owner (hubspot_owner_id) signs in with which key, for the Rep's "My leads".</summary>
    public KeyOwnerMap KeyOwners { get; set; } = KeyOwnerMap.Empty;

    /// <summary>True when Entra ID sign-in is configured.</summary>
    public bool EntraEnabled => EntraTenantId is not null && EntraClientId is not null;

    internal List<ValidationError> ParseErrors { get; } = [];

    /// <summary>Reads every setting from configuration, recording (not throwing) what cannot be parsed.</summary>
    public void ReadFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ParseErrors.Clear();
        string? Get(string name) => configuration[name] is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        HubSpotAccessToken = Get(HubSpotAccessTokenName) ?? "";
        HubSpotClientId = Get(HubSpotClientIdName);
        HubSpotClientSecret = Get(HubSpotClientSecretName);
        HubSpotRefreshToken = Get(HubSpotRefreshTokenName);
        HighPriorityWorkflowId = ParseId(Get(HighPriorityWorkflowIdName), HighPriorityWorkflowIdName, "a HubSpot workflow id");
        PortalId = ParseId(Get(PortalIdName), PortalIdName, "a HubSpot portal (account) id");

        if (Get(HubSpotBaseUrlName) is { } url)
        {
            if (Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
            {
                HubSpotBaseUrl = uri;
            }
            else
            {
                ParseErrors.Add(new(HubSpotBaseUrlName, $"must be an absolute http(s) URL such as https://api.hubapi.com (got '{url}')"));
            }
        }

        if (Get(WebhookUrlName) is { } webhookUrl)
        {
            if (Uri.TryCreate(webhookUrl, UriKind.Absolute, out var hook) && (hook.Scheme == Uri.UriSchemeHttps || hook.Scheme == Uri.UriSchemeHttp))
            {
                WebhookUrl = hook;
            }
            else
            {
                ParseErrors.Add(new(WebhookUrlName, $"must be the absolute http(s) URL HubSpot posts to, e.g. https://leads.example.com/api/hubspot/webhooks (got '{webhookUrl}')"));
            }
        }

        if (Get(UpdateScheduleName) is { } schedule)
        {
            UpdateSchedule = NCrontab.CrontabSchedule.TryParse(schedule, new NCrontab.CrontabSchedule.ParseOptions { IncludingSeconds = schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 });
            if (UpdateSchedule is null)
            {
                ParseErrors.Add(new(UpdateScheduleName, $"must be a cron expression such as '*/15 * * * *' (5 fields, or 6 with seconds first) (got '{schedule}')"));
            }
        }

        if (Get(InitialRescoreName) is { } initial)
        {
            if (bool.TryParse(initial, out var value))
            {
                InitialRescore = value;
            }
            else
            {
                ParseErrors.Add(new(InitialRescoreName, $"must be true or false (got '{initial}')"));
            }
        }

        UpdateInterval = ParseDuration(Get(UpdateIntervalName), UpdateIntervalName, UpdateInterval, interval: true);
        RetrainInterval = ParseDuration(Get(RetrainIntervalName), RetrainIntervalName, RetrainInterval, interval: true);
        DecayInterval = ParseDuration(Get(DecayIntervalName), DecayIntervalName, DecayInterval, interval: true);

        MinConfidence = ParseNumber(Get(MinConfidenceName), MinConfidenceName, MinConfidence, "a number between 0 and 1 such as 0.7");

        ModelVersion = Get(ModelVersionName);
        OutcomeWindow = ParseDuration(Get(OutcomeWindowName), OutcomeWindowName, OutcomeWindow);
        TrainingRecordWeight = ParseNumber(Get(TrainingRecordWeightName), TrainingRecordWeightName, TrainingRecordWeight, "a number such as 0.5");
        WeightBand = ParseNumber(Get(WeightBandName), WeightBandName, WeightBand, "a number such as 0.1");
        MinOutcomes = (int)ParseNumber(Get(MinOutcomesName), MinOutcomesName, MinOutcomes, "a whole number such as 200", wholeNumber: true);
        MinPositives = (int)ParseNumber(Get(MinPositivesName), MinPositivesName, MinPositives, "a whole number such as 40", wholeNumber: true);
        ScoringProfilePath = Get(ScoringProfilePathName);
        Storage = StorageConnection.Read(configuration);
        AzureClientId = Get(AzureCredentials.ClientIdName);
        AzureCredentials.CheckClientId(AzureClientId, AzureCredentials.ClientIdName, ParseErrors);
        ParseErrors.AddRange(KnownSettings.Unknown(configuration).Select(name => new ValidationError(name, KnownSettings.UnknownMessage(name))));
        StoragePrefix = Get(StoragePrefixName) ?? "";

        AlertWebhookUrl = ParseHttpUrl(Get(AlertWebhookUrlName), AlertWebhookUrlName, "the incoming-webhook URL of a Teams or Slack channel, e.g. https://hooks.slack.com/services/…");
        AlertWindow = ParseDuration(Get(AlertWindowName), AlertWindowName, AlertWindow);
        AlertQuietPeriod = ParseDuration(Get(AlertQuietPeriodName), AlertQuietPeriodName, AlertQuietPeriod);
        AlertErrorRate = ParseNumber(Get(AlertErrorRateName), AlertErrorRateName, AlertErrorRate, "a share of failed calls above 0 and at most 1, such as 0.5");
        HealthMaxBacklog = (int)ParseNumber(Get(HealthMaxBacklogName), HealthMaxBacklogName, HealthMaxBacklog, "a whole number of queued score requests, such as 1000", wholeNumber: true);
        HealthMaxP95 = ParseDuration(Get(HealthMaxP95Name), HealthMaxP95Name, HealthMaxP95);

        EntraTenantId = Get(EntraTenantIdName);
        EntraClientId = Get(EntraClientIdName);
        EntraInstance = ParseHttpUrl(Get(EntraInstanceName), EntraInstanceName, "the Entra authority host, e.g. https://login.microsoftonline.com/") ?? EntraInstance;

        ApiKeys = ApiKeyRing.Parse(Get(ApiKeysName), ApiKeysName, out var keyErrors);
        ParseErrors.AddRange(keyErrors);
        KeyOwners = KeyOwnerMap.Parse(Get(KeyOwnersName), KeyOwnersName, ApiKeys, ParseErrors);

        ClosedLifecycleStages = null;
        if (Get(ClosedLifecycleStagesName) is { } stages)
        {
            var listed = stages.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => v.ToLowerInvariant()).Distinct(StringComparer.Ordinal).ToList();
            if (listed.Count == 0 || listed.Any(v => !Scoring.Vocabulary.IsLifecycleStage(v)))
            {
                ParseErrors.Add(new(ClosedLifecycleStagesName, $"must be comma-separated HubSpot lifecycle stages such as customer,evangelist (or custom stages' numeric ids) (got '{stages}')"));
            }
            else
            {
                ClosedLifecycleStages = listed;
            }
        }
    }

    private double ParseNumber(string? text, string name, double fallback, string expected, bool wholeNumber = false)
    {
        if (text is null)
        {
            return fallback;
        }

        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value)
            && (!wholeNumber || (value == Math.Floor(value) && Math.Abs(value) <= int.MaxValue)))
        {
            return value;
        }

        ParseErrors.Add(new(name, $"must be {expected} (got '{text}')"));
        return fallback;
    }

    private Uri? ParseHttpUrl(string? text, string name, string what)
    {
        if (text is null)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp))
        {
            return uri;
        }

        ParseErrors.Add(new(name, $"must be an absolute http(s) URL: {what} (got '{text}')"));
        return null;
    }

    private long? ParseId(string? text, string name, string what)
    {
        if (text is null)
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) && id > 0)
        {
            return id;
        }

        ParseErrors.Add(new(name, $"must be {what}: a positive whole number (got '{text}')"));
        return null;
    }

    private TimeSpan ParseDuration(string? text, string name, TimeSpan fallback, bool interval = false)
    {
        if (text is null)
        {
            return fallback;
        }

        if (interval ? Durations.TryParseInterval(text, out var duration) : Durations.TryParse(text, out duration))
        {
            return duration;
        }

        ParseErrors.Add(new(name, interval
            ? $"must be a duration such as 15m, 2h, 7d, 00:15:00 or a whole number of milliseconds (e.g. 900000) (got '{text}')"
            : $"must be a duration such as 15m, 2h, 7d or 00:15:00 (got '{text}')"));
        return fallback;
    }
}
