using LeadScoring.Core.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.Security;

/// <summary>
/// Settings of sign-in and sessions (kept apart from <see cref="LeadScoringSettings"/> so the hardening stays in one place):
/// session lifetime, the public URL redirects and the sign-in origin check are built from, and wrong-key throttling.
/// </summary>
public sealed class AuthSettings
{
    public const string SessionLifetimeName = "LEAD_SCORE_SESSION_LIFETIME";
    public const string PublicUrlName = "LEAD_SCORE_PUBLIC_URL";
    public const string FailureLimitName = "LEAD_SCORE_AUTH_FAILURE_LIMIT";
    public const string FailureWindowName = "LEAD_SCORE_AUTH_FAILURE_WINDOW";

    public static IReadOnlyList<string> AllNames { get; } = [SessionLifetimeName, PublicUrlName, FailureLimitName, FailureWindowName];

    /// <summary>A dashboard session ends this long after sign-in, whatever happens (absolute, not sliding). Default 12 h; 5 min to 7 days.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>The dashboard's public origin (https://leads.example.com); null = relative redirects, Origin compared with the request's host.</summary>
    public Uri? PublicUrl { get; set; }

    /// <summary>Wrong keys from one client within <see cref="FailureWindow"/> after which its key checks answer 429. Default 10.</summary>
    public int FailureLimit { get; set; } = 10;

    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(1);

    internal List<ValidationError> Errors { get; } = [];

    public void ReadFrom(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        Errors.Clear();
        string? Get(string name) => configuration[name] is { } v && !string.IsNullOrWhiteSpace(v) ? v.Trim() : null;

        if (Get(SessionLifetimeName) is { } lifetime)
        {
            if (!Durations.TryParse(lifetime, out var value))
            {
                Errors.Add(new(SessionLifetimeName, $"must be a duration such as 12h, 90m or 1d (got '{lifetime}')"));
            }
            else if (value < TimeSpan.FromMinutes(5) || value > TimeSpan.FromDays(7))
            {
                Errors.Add(new(SessionLifetimeName, $"must be between 5 minutes and 7 days (got '{lifetime}')"));
            }
            else
            {
                SessionLifetime = value;
            }
        }

        if (Get(PublicUrlName) is { } url)
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
                || uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
            {
                Errors.Add(new(PublicUrlName, $"must be the dashboard's origin, an absolute http(s) URL without path or query such as https://leads.example.com (got '{url}')"));
            }
            else if (uri.Scheme == Uri.UriSchemeHttp && !uri.IsLoopback)
            {
                // Session cookies are Secure: a plain-http public URL would never keep anyone signed in.
                Errors.Add(new(PublicUrlName, $"must use https unless it points at this machine (got '{url}')"));
            }
            else
            {
                PublicUrl = uri;
            }
        }

        if (Get(FailureLimitName) is { } limit)
        {
            if (int.TryParse(limit, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1000)
            {
                FailureLimit = n;
            }
            else
            {
                Errors.Add(new(FailureLimitName, $"must be a whole number from 1 to 1000 such as 10 (got '{limit}')"));
            }
        }

        if (Get(FailureWindowName) is { } window)
        {
            if (Durations.TryParse(window, out var value) && value >= TimeSpan.FromSeconds(1) && value <= TimeSpan.FromHours(1))
            {
                FailureWindow = value;
            }
            else
            {
                Errors.Add(new(FailureWindowName, $"must be a duration from 1s to 1h such as 1m (got '{window}')"));
            }
        }
    }

    /// <summary>Start-up validation: one line per bad setting, naming it.</summary>
    public sealed class Validator : IValidateOptions<AuthSettings>
    {
        public ValidateOptionsResult Validate(string? name, AuthSettings options)
        {
            ArgumentNullException.ThrowIfNull(options);
            return options.Errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(options.Errors.Select(e => $"{e.Field}: {e.Message}"));
        }
    }
}
