using LeadScoring.Core.AI;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Training;
using LeadScoring.Core.Training.AzureSearch;
using Microsoft.Extensions.Configuration;

namespace LeadScoring.Core.Settings;

/// <summary>
/// Every setting the product reads, as environment variables name them (<c>A__B</c> for the configuration key
/// <c>A:B</c>). The start-up validation refuses a setting in the product's own namespaces that is not in this list (a
/// typo would otherwise be ignored silently), and the deployment templates are tested against it.
/// </summary>
internal static class KnownSettings
{
    /// <summary>Settings with these prefixes are the product's: an unknown one is a mistake, not someone else's variable.</summary>
    private static readonly string[] OwnPrefixes = ["LEAD_SCORE_", "HUBSPOT_", $"{LeadScoringSettings.StorageName}__", $"{HubSpotClientOptions.Section}__"];

    public static IReadOnlyList<string> All { get; } =
    [
        .. new[]
        {
            LeadScoringSettings.AllNames, Security.AuthSettings.AllNames, AnalystOptions.AllNames, AzureSearchOptions.AllNames,
            [TrainingServiceCollectionExtensions.EmbeddingDeploymentName], HubSpotClientOptions.TuningNames,
        }.SelectMany(names => names).Distinct(StringComparer.Ordinal),
    ];

    /// <summary>The settings that hold credentials: never logged, and deployed only as secret references.</summary>
    public static IReadOnlyList<string> Secrets { get; } =
    [
        LeadScoringSettings.HubSpotAccessTokenName, LeadScoringSettings.HubSpotClientSecretName, LeadScoringSettings.HubSpotRefreshTokenName,
        LeadScoringSettings.ApiKeysName, LeadScoringSettings.KeyOwnersName, LeadScoringSettings.StorageName, AnalystOptions.ApiKeyName, AzureSearchOptions.ApiKeyName,
    ];

    private static readonly HashSet<string> AllKeys = new(All.Select(Key), StringComparer.OrdinalIgnoreCase);

    /// <summary>True when <paramref name="name"/> (either A__B or A:B, any case) is a setting the product reads.</summary>
    public static bool IsKnown(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return AllKeys.Contains(Key(name));
    }

    /// <summary>Settings in the product's namespaces that it does not read, as environment variables name them.</summary>
    public static IEnumerable<string> Unknown(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.AsEnumerable()
            .Where(setting => setting.Value is not null)
            .Select(setting => setting.Key.Replace(":", "__", StringComparison.Ordinal))
            .Where(name => OwnPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)) && !IsKnown(name))
            .Order(StringComparer.Ordinal);
    }

    /// <summary>The start-up error for an unknown setting, with the closest known name when one is close.</summary>
    public static string UnknownMessage(string name)
    {
        var closest = All.MinBy(known => Distance(Key(name), Key(known)));
        var hint = closest is not null && Distance(Key(name), Key(closest)) <= 3 ? $" Did you mean {closest}?" : "";
        return $"is not a setting LeadScoring reads (see local.settings.sample.json and the README's Settings table).{hint}";
    }

    private static string Key(string name) => name.Replace("__", ":", StringComparison.Ordinal).ToUpperInvariant();

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
