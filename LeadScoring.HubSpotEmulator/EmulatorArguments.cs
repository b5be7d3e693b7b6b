using System.Globalization;

namespace LeadScoring.HubSpotEmulator;

/// <summary>Parses <c>--flag value</c> (or <c>--flag=value</c>) command lines into <see cref="EmulatorOptions"/>.</summary>
internal static class EmulatorArguments
{
    public const string Usage = """
        Usage: LeadScoring.HubSpotEmulator [options]
          --urls URL                  listen address (default http://127.0.0.1:7080)
          --seed N                    synthetic portal seed (default 42)
          --contacts N                contacts to seed (default 500)
          --access-token T            static private-app token (default local-emulator-token)
          --webhook-url URL           deliver signed webhooks here (default: off)
          --client-id ID              OAuth client id (default local-emulator-client)
          --client-secret S           OAuth client secret and webhook signing key (default local-emulator-secret)
          --refresh-token R           OAuth refresh token (default local-emulator-refresh-token)
          --portal-id N               portal (hub) id (default 1000001)
          --rate-limit N              requests per 10 s per token (default 100)
          --daily-limit N             requests per portal day per token (default 250000)
          --time-zone ID              portal time zone, IANA or Windows id; the daily limit resets at its midnight (default US/Eastern)
          --fault-rate P              fraction of requests answering 502/503/504 or hanging (default 0)
          --webhook-retry-scale F     multiplies webhook retry delays (default 1)
          --workflow-id N             the workflow that accepts enrollments (default 5001)
        """;

    private static readonly HashSet<string> Flags =
    [
        "urls", "seed", "contacts", "access-token", "webhook-url", "client-id", "client-secret", "refresh-token",
        "portal-id", "rate-limit", "daily-limit", "time-zone", "fault-rate", "webhook-retry-scale", "workflow-id",
    ];

    /// <summary>The options, or one line naming the bad flag in <paramref name="error"/>. <paramref name="help"/> is set for --help.</summary>
    public static EmulatorOptions? Parse(IReadOnlyList<string> args, out string? error, out bool help)
    {
        error = null;
        help = false;
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?")
            {
                help = true;
                return null;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2)
            {
                error = $"Unexpected argument '{arg}'; options look like --seed 42 (see --help).";
                return null;
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            var flag = equals > 0 ? arg[2..equals] : arg[2..];
            if (!Flags.Contains(flag))
            {
                error = $"Unknown option --{flag} (see --help).";
                return null;
            }

            string? value = equals > 0 ? arg[(equals + 1)..] : i + 1 < args.Count ? args[++i] : null;
            if (value is null)
            {
                error = $"--{flag} needs a value.";
                return null;
            }

            values[flag] = value;
        }

        string? firstError = null;
        var defaults = new EmulatorOptions();
        var options = new EmulatorOptions
        {
            Urls = Text("urls", defaults.Urls),
            Seed = Number("seed", defaults.Seed, int.TryParse, "an integer"),
            Contacts = Number("contacts", defaults.Contacts, int.TryParse, "an integer"),
            AccessToken = Text("access-token", defaults.AccessToken),
            WebhookUrl = Url("webhook-url"),
            ClientId = Text("client-id", defaults.ClientId),
            ClientSecret = Text("client-secret", defaults.ClientSecret),
            RefreshToken = Text("refresh-token", defaults.RefreshToken),
            PortalId = Number("portal-id", defaults.PortalId, long.TryParse, "a positive integer"),
            RateLimit = Number("rate-limit", defaults.RateLimit, int.TryParse, "a positive integer"),
            DailyLimit = Number("daily-limit", defaults.DailyLimit, int.TryParse, "a positive integer"),
            TimeZone = Text("time-zone", defaults.TimeZone),
            FaultRate = Number("fault-rate", defaults.FaultRate, double.TryParse, "a number between 0 and 1"),
            WebhookRetryScale = Number("webhook-retry-scale", defaults.WebhookRetryScale, double.TryParse, "a number such as 0.001"),
            WorkflowId = Number("workflow-id", defaults.WorkflowId, long.TryParse, "a positive integer"),
        };

        var problems = options.Validate();
        error = firstError ?? (problems.Count > 0 ? problems[0] : null);
        return error is null ? options : null;

        string Text(string flag, string fallback) => values.GetValueOrDefault(flag) ?? fallback;

        T Number<T>(string flag, T fallback, TryParse<T> parse, string expected)
        {
            if (!values.TryGetValue(flag, out var raw))
            {
                return fallback;
            }

            if (parse(raw, NumberStyles.Float, CultureInfo.InvariantCulture, out var parsed))
            {
                return parsed;
            }

            firstError ??= $"--{flag} must be {expected} (got '{raw}').";
            return fallback;
        }

        Uri? Url(string flag)
        {
            if (!values.TryGetValue(flag, out var raw))
            {
                return null;
            }

            if (Uri.TryCreate(raw, UriKind.Absolute, out var url) && url.Scheme is "http" or "https")
            {
                return url;
            }

            firstError ??= $"--{flag} must be an absolute http(s) URL (got '{raw}').";
            return null;
        }
    }

    private delegate bool TryParse<T>(string s, NumberStyles style, IFormatProvider provider, out T result);
}
