using System.Globalization;

namespace LeadScoring.Core.Scoring;

/// <summary>Recency: how lately and how often the lead engages. Old engagement decays exponentially.</summary>
public static class RecencyComponent
{
    public const double LastEngagementWeight = 0.50;
    public const double FrequencyWeight = 0.30;
    public const double ResponseWeight = 0.20;

    /// <summary>Recent activity count (weighted) that earns 63 points.</summary>
    public const double FrequencySaturation = 3;

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static ComponentScore Score(LeadFeatures lead, ScoringProfile profile, DateTimeOffset asOf)
    {
        ScoreFactor[] factors =
        [
            LastEngagement(lead.LastEngagementAt, asOf, profile.Recency),
            Frequency(lead.ActivitiesLast7Days, lead.ActivitiesLast30Days, lead.ActivitiesLast90Days),
            Response(lead.MedianResponseHours, profile.Recency),
        ];
        return ComponentScore.Combine(ScoreComponent.Recency, factors, profile.UnknownDataScore);
    }

    /// <summary>Whole days since the last engagement, or null if unknown; a timestamp in the future counts as today.</summary>
    public static double? DaysSince(DateTimeOffset? last, DateTimeOffset asOf) =>
        last is { } at ? Math.Max(0, (asOf - at).TotalDays) : null;

    private static ScoreFactor LastEngagement(DateTimeOffset? last, DateTimeOffset asOf, RecencyProfile recency)
    {
        if (DaysSince(last, asOf) is not { } days)
        {
            return ScoreFactor.Missing("lastEngagement", LastEngagementWeight, "Never engaged, or last engagement unknown");
        }

        var whole = (int)Math.Floor(days);
        var text = whole switch
        {
            0 => "Engaged today",
            1 => "Last engaged yesterday",
            _ => string.Create(Inv, $"Last engaged {whole} days ago"),
        };
        return new("lastEngagement", LastEngagementWeight, Curves.Decay(days, recency.HalfLifeDays), 1, text);
    }

    private static ScoreFactor Frequency(int? last7, int? last30, int? last90)
    {
        const string Name = "activityFrequency";
        if (last7 is null && last30 is null && last90 is null)
        {
            return ScoreFactor.Missing(Name, FrequencyWeight, "Activity frequency unknown");
        }

        // Newer activity counts more: days 0–7 fully, 8–30 half, 31–90 a fifth.
        var a7 = last7 ?? 0;
        var a30 = last30 ?? a7;
        var a90 = last90 ?? a30;
        var weighted = a7 + (0.5 * (a30 - a7)) + (0.2 * (a90 - a30));
        var evidence = last7 is not null && last30 is not null && last90 is not null ? 1.0 : 0.7;
        var text = (last7, last30) switch
        {
            ({ } week, { } month) => string.Create(Inv, $"{month} activit{(month == 1 ? "y" : "ies")} in the last 30 days ({week} in the last 7)"),
            (null, { } month) => string.Create(Inv, $"{month} activit{(month == 1 ? "y" : "ies")} in the last 30 days"),
            ({ } week, null) when last90 is null => string.Create(Inv, $"{week} activit{(week == 1 ? "y" : "ies")} in the last 7 days"),
            _ => string.Create(Inv, $"{a90} activit{(a90 == 1 ? "y" : "ies")} in the last 90 days"),
        };
        return new(Name, FrequencyWeight, Curves.Saturating(weighted, FrequencySaturation), evidence, text);
    }

    private static ScoreFactor Response(double? hours, RecencyProfile recency)
    {
        if (hours is not { } h)
        {
            return ScoreFactor.Missing("responseTime", ResponseWeight, "Response time unknown");
        }

        var text = h < 1
            ? "Usually replies within the hour"
            : h < 48
                ? string.Create(Inv, $"Usually replies within {Math.Ceiling(h):0} hours")
                : string.Create(Inv, $"Usually takes {h / 24:0.#} days to reply");
        return new("responseTime", ResponseWeight, Curves.Decay(h, recency.ResponseHalfLifeHours), 1, text);
    }
}
