using System.Globalization;

namespace LeadScoring.HubSpotEmulator;

/// <summary>Everything the emulator can be started with. Command-line flags map one to one; tests set them directly.</summary>
public sealed record EmulatorOptions
{
    /// <summary>Where Kestrel listens; <c>http://127.0.0.1:0</c> picks a free port.</summary>
    public string Urls { get; init; } = "http://127.0.0.1:7080";

    /// <summary>Same seed (and same clock) ⇒ the same synthetic portal.</summary>
    public int Seed { get; init; } = 42;

    public int Contacts { get; init; } = 500;

    /// <summary>The private-app token accepted as <c>Authorization: Bearer</c>.</summary>
    public string AccessToken { get; init; } = "local-emulator-token";

    /// <summary>Webhook target; null means no deliveries. The exact string is what the signatures cover.</summary>
    public Uri? WebhookUrl { get; init; }

    public string ClientId { get; init; } = "local-emulator-client";

    /// <summary>Signs webhooks and authenticates OAuth token refreshes.</summary>
    public string ClientSecret { get; init; } = "local-emulator-secret";

    public string RefreshToken { get; init; } = "local-emulator-refresh-token";

    public long PortalId { get; init; } = 1000001;

    public long AppId { get; init; } = 3000001;

    /// <summary>Requests per token in HubSpot's rolling ten-second window.</summary>
    public int RateLimit { get; init; } = 100;

    /// <summary>Search requests per token per second (HubSpot: 5).</summary>
    public int SearchRateLimit { get; init; } = 5;

    /// <summary>Requests per token per portal day (HubSpot Free/Starter: 250,000).</summary>
    public int DailyLimit { get; init; } = 250_000;

    /// <summary>
    /// The portal's time zone (IANA or Windows id): the daily allowance resets at midnight there, and account-info
    /// reports it. HubSpot's default is US/Eastern.
    /// </summary>
    public string TimeZone { get; init; } = "US/Eastern";

    /// <summary>Fraction of API requests that answer 502/503/504 or hang; which ones is decided by the seed.</summary>
    public double FaultRate { get; init; }

    /// <summary>How long a "hanging" random fault waits before it answers 504 (past a typical 10 s client timeout).</summary>
    public TimeSpan FaultHang { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>Multiplies every webhook retry delay; 0.001 turns HubSpot's minutes into milliseconds.</summary>
    public double WebhookRetryScale { get; init; } = 1;

    public TimeSpan WebhookTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public int WebhookMaxRetries { get; init; } = 10;

    /// <summary>The one (contact-based) workflow that exists in the portal.</summary>
    public long WorkflowId { get; init; } = 5001;

    public TimeSpan AccessTokenLifetime { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Drives seeded dates, token expiry, rate-limit windows and webhook retry delays.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>One line per invalid setting, naming the command-line flag.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        void Require(bool ok, string flag, string rule, object value)
        {
            if (!ok)
            {
                problems.Add(string.Create(CultureInfo.InvariantCulture, $"--{flag} must be {rule} (got {value})."));
            }
        }

        Require(
            !string.IsNullOrWhiteSpace(Urls) && Urls.Split(';', StringSplitOptions.RemoveEmptyEntries).All(u =>
                Uri.TryCreate(u.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal), UriKind.Absolute, out var url)
                && url.Scheme is "http" or "https"),
            "urls", "one or more http(s) URLs such as http://127.0.0.1:7080", $"'{Urls}'");
        Require(Contacts is >= 0 and <= 1_000_000, "contacts", "between 0 and 1000000", Contacts);
        Require(!string.IsNullOrWhiteSpace(AccessToken), "access-token", "non-empty", "''");
        Require(WebhookUrl is null || (WebhookUrl.IsAbsoluteUri && WebhookUrl.Scheme is "http" or "https"), "webhook-url", "an absolute http(s) URL", WebhookUrl!);
        Require(!string.IsNullOrWhiteSpace(ClientId), "client-id", "non-empty", "''");
        Require(!string.IsNullOrWhiteSpace(ClientSecret), "client-secret", "non-empty", "''");
        Require(!string.IsNullOrWhiteSpace(RefreshToken), "refresh-token", "non-empty", "''");
        Require(PortalId > 0, "portal-id", "a positive number", PortalId);
        Require(RateLimit > 0, "rate-limit", "a positive number", RateLimit);
        Require(SearchRateLimit > 0, "search-rate-limit", "a positive number", SearchRateLimit);
        Require(DailyLimit > 0, "daily-limit", "a positive number", DailyLimit);
        Require(PortalTimeZone.Resolve(TimeZone) is not null, "time-zone", "an IANA or Windows time zone id such as US/Eastern or Europe/Berlin", $"'{TimeZone}'");
        Require(FaultRate is >= 0 and <= 1, "fault-rate", "between 0 and 1", FaultRate);
        Require(WebhookRetryScale is >= 0 and <= 1000, "webhook-retry-scale", "between 0 and 1000", WebhookRetryScale);
        Require(WorkflowId > 0, "workflow-id", "a positive number", WorkflowId);
        Require(WebhookMaxRetries >= 0, "webhook-max-retries", "zero or more", WebhookMaxRetries);
        Require(WebhookTimeout > TimeSpan.Zero, "webhook-timeout", "positive", WebhookTimeout);
        Require(AccessTokenLifetime > TimeSpan.Zero, "access-token-lifetime", "positive", AccessTokenLifetime);
        return problems;
    }
}
