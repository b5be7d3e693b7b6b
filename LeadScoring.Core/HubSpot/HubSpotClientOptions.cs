using System.ComponentModel;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.HubSpot;

/// <summary>How the HubSpot client connects and paces itself. Bound from LeadScoringSettings at start-up.</summary>
public sealed class HubSpotClientOptions
{
    /// <summary>Configuration section of the advanced tuning settings (<c>HubSpot__RequestsPer10Seconds</c>, …).</summary>
    public const string Section = "HubSpot";

    /// <summary>The settings that may be tuned through <see cref="Section"/>, as environment variables name them.</summary>
    public static IReadOnlyList<string> TuningNames { get; } = [.. new[]
    {
        nameof(RequestsPer10Seconds), nameof(RateBudgetShare), nameof(RealTimeReservePer10Seconds), nameof(SearchRequestsPerSecond), nameof(MaxAttempts), nameof(RetryBaseDelay),
        nameof(RateLimitedDelay), nameof(SearchRateLimitedDelay), nameof(AttemptTimeout), nameof(TotalTimeout), nameof(HedgingDelay), nameof(MinHedgingDelay),
    }.Select(name => $"{Section}__{name}")];

    public Uri BaseUrl { get; set; } = new("https://api.hubapi.com/");

    /// <summary>Private-app (static) token. Either this or the OAuth trio is set.</summary>
    public string? AccessToken { get; set; }

    public string? OAuthClientId { get; set; }

    public string? OAuthClientSecret { get; set; }

    public string? OAuthRefreshToken { get; set; }

    /// <summary>The portal's burst limit per 10 seconds (100 / 110 / 190 / 250 by tier). Adjusted from
    /// X-HubSpot-RateLimit-Max as responses arrive.</summary>
    public int RequestsPer10Seconds { get; set; } = 100;

    /// <summary>Share of the limit the client allows itself, leaving room for other apps on the same portal.</summary>
    public double RateBudgetShare { get; set; } = 0.9;

    /// <summary>Of the budget per 10 seconds, the slots batch work (whole-portal rescore, decay, retraining) may never
    /// take, so a webhook's lead is gathered and written without queueing behind a batch.</summary>
    public int RealTimeReservePer10Seconds { get; set; } = 10;

    /// <summary>Search has its own 5 requests/second limit and sends no rate-limit headers; stay under it.</summary>
    public int SearchRequestsPerSecond { get; set; } = 4;

    /// <summary>Attempts per call, the first included.</summary>
    public int MaxAttempts { get; set; } = 3;

    /// <summary>First back-off delay; later ones grow exponentially, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Wait after a 429 that carries no Retry-After (HubSpot's usual): the next 10-second window.</summary>
    public TimeSpan RateLimitedDelay { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Wait after a search 429 (secondly limit) without Retry-After.</summary>
    public TimeSpan SearchRateLimitedDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>One attempt's timeout. HubSpot answers a batch of 100 in well under a second; a call hanging longer is
    /// better abandoned and retried than waited for.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait before a read (or batch update) still unanswered is sent again alongside the first
    /// (hedging); also the wait before HubSpot's latency is known. Once it is, the wait is a few times the operation's
    /// median answer, within <see cref="MinHedgingDelay"/> and this.</summary>
    public TimeSpan HedgingDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The shortest hedging wait, however quick HubSpot's answers are.</summary>
    public TimeSpan MinHedgingDelay { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>A whole call's timeout across attempts and back-off.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(90);

    internal bool UsesOAuth => string.IsNullOrEmpty(AccessToken) && !string.IsNullOrEmpty(OAuthRefreshToken);
}

/// <summary>Start-up validation of the HubSpot tuning settings: each failure names its environment variable.</summary>
internal sealed class HubSpotClientOptionsValidator : IValidateOptions<HubSpotClientOptions>
{
    public ValidateOptionsResult Validate(string? name, HubSpotClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var errors = Check(options);
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors.Select(e => e.ToString()));
    }

    /// <summary>
    /// Throws, naming each <c>HubSpot__</c> variable and its value, when a tuning value is not of its setting's type
    /// (a whole number, a number, a time span) — before the configuration binder would throw in its own words.
    /// </summary>
    /// <exception cref="OptionsValidationException">Some value does not parse.</exception>
    public static void ThrowIfUnparsable(IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var errors = new List<string>();
        foreach (var property in typeof(HubSpotClientOptions).GetProperties().Where(p => p.CanWrite && TuningProperty(p.Name)))
        {
            if (section[property.Name] is not { } value)
            {
                continue;
            }

            try
            {
                // The converter the binder uses, with the invariant culture as the binder does.
                _ = TypeDescriptor.GetConverter(property.PropertyType).ConvertFromInvariantString(value);
            }
            catch (Exception ex) when (ex is FormatException or NotSupportedException or ArgumentException or OverflowException || ex.InnerException is FormatException or OverflowException)
            {
                var kind = property.PropertyType == typeof(int) ? "a whole number such as 3"
                    : property.PropertyType == typeof(double) ? "a number such as 0.9"
                    : property.PropertyType == typeof(TimeSpan) ? "a time span such as 00:00:10" : $"a {property.PropertyType.Name}";
                errors.Add(new ValidationError($"{HubSpotClientOptions.Section}__{property.Name}", $"must be {kind} (got '{value}')").ToString());
            }
        }

        if (errors.Count > 0)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(HubSpotClientOptions), errors);
        }
    }

    private static bool TuningProperty(string name) => HubSpotClientOptions.TuningNames.Contains($"{HubSpotClientOptions.Section}__{name}", StringComparer.Ordinal);

    public static IReadOnlyList<ValidationError> Check(HubSpotClientOptions o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var errors = new List<ValidationError>();
        var c = CultureInfo.InvariantCulture;
        void Require(bool ok, string setting, string rule, object value)
        {
            if (!ok)
            {
                errors.Add(new($"{HubSpotClientOptions.Section}__{setting}", string.Create(c, $"{rule} (got {value})")));
            }
        }

        Require(o.RequestsPer10Seconds is >= 1 and <= 1_000_000, nameof(o.RequestsPer10Seconds), "must be a whole number from 1 to 1000000: the portal's burst limit (100 / 110 / 190 / 250 by tier)", o.RequestsPer10Seconds);
        Require(o.RateBudgetShare is > 0 and <= 1, nameof(o.RateBudgetShare), "must be more than 0 and at most 1: the share of the limit this app takes", o.RateBudgetShare);
        var budget = (int)(o.RequestsPer10Seconds * o.RateBudgetShare);
        Require(o.RealTimeReservePer10Seconds >= 0 && (o.RealTimeReservePer10Seconds < budget || budget < 1), nameof(o.RealTimeReservePer10Seconds), $"must be at least 0 and less than the budget ({budget} = {nameof(o.RequestsPer10Seconds)} × {nameof(o.RateBudgetShare)}), or batch work could never call HubSpot", o.RealTimeReservePer10Seconds);
        Require(o.SearchRequestsPerSecond is >= 1 and <= 100, nameof(o.SearchRequestsPerSecond), "must be a whole number from 1 to 100 (HubSpot allows 5 searches a second)", o.SearchRequestsPerSecond);
        Require(o.MaxAttempts is >= 1 and <= 10, nameof(o.MaxAttempts), "must be a whole number from 1 (no retry) to 10", o.MaxAttempts);
        foreach (var (setting, value) in new[] { (nameof(o.RetryBaseDelay), o.RetryBaseDelay), (nameof(o.RateLimitedDelay), o.RateLimitedDelay), (nameof(o.SearchRateLimitedDelay), o.SearchRateLimitedDelay) })
        {
            Require(value > TimeSpan.Zero && value <= TimeSpan.FromMinutes(10), setting, "must be more than 0 and at most 10 minutes (a time span such as 00:00:01)", value);
        }

        // Polly's timeout strategy accepts 10 ms to 24 h.
        foreach (var (setting, value) in new[] { (nameof(o.AttemptTimeout), o.AttemptTimeout), (nameof(o.TotalTimeout), o.TotalTimeout) })
        {
            Require(value >= TimeSpan.FromMilliseconds(10) && value <= TimeSpan.FromHours(24), setting, "must be from 10 ms to 24 hours (a time span such as 00:00:10)", value);
        }

        Require(o.MinHedgingDelay > TimeSpan.Zero, nameof(o.MinHedgingDelay), "must be more than 0", o.MinHedgingDelay);
        Require(o.HedgingDelay >= o.MinHedgingDelay, nameof(o.HedgingDelay), $"must be at least {nameof(o.MinHedgingDelay)} ({o.MinHedgingDelay}): the hedging wait lies between the two", o.HedgingDelay);
        return errors;
    }
}
