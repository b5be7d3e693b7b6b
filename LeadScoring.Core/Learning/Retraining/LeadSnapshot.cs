using LeadScoring.Core.Scoring;

namespace LeadScoring.Core.Learning.Retraining;

/// <summary>A lead as it was scored at one moment: its features and the four rule components (all PII-free).</summary>
internal sealed record LeadSnapshot(LeadFeatures Features, double Fit, double Engagement, double Outcome, double Recency, DateTimeOffset AsOf)
{
    public static LeadSnapshot From(LeadFeatures features, ComponentScores components, DateTimeOffset asOf)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(components);
        return new(features, components.Fit.Score, components.Engagement.Score, components.Outcome.Score, components.Recency.Score, asOf);
    }
}

/// <summary>
/// The learner's view of leads: one column per feature, categorical codes as categories, unknowns as missing (never
/// 0), times as "days before the snapshot" so a model trained last month reads today's leads the same way.
/// </summary>
internal static class LeadSnapshotTable
{
    /// <summary>The rule total's column: the one a retrained model starts from (<see cref="LearnerOptions.AnchorColumn"/>).</summary>
    public const string RuleTotalColumn = "ruleTotal";

    public static FeatureTable Build(IReadOnlyList<LeadSnapshot> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new FeatureTable(
        [
            FeatureColumn.Categorical("industry", rows.Select(r => r.Features.Industry)),
            FeatureColumn.Numeric("employeeCount", rows.Select(r => (double?)r.Features.EmployeeCount)),
            FeatureColumn.Numeric("annualRevenue", rows.Select(r => r.Features.AnnualRevenue)),
            FeatureColumn.Categorical("country", rows.Select(r => r.Features.Country)),
            FeatureColumn.Categorical("leadSource", rows.Select(r => r.Features.LeadSource)),
            FeatureColumn.Categorical("lifecycleStage", rows.Select(r => r.Features.LifecycleStage)),
            FeatureColumn.Numeric("emailOpens", rows.Select(r => (double?)r.Features.EmailOpens)),
            FeatureColumn.Numeric("emailClicks", rows.Select(r => (double?)r.Features.EmailClicks)),
            FeatureColumn.Numeric("emailReplies", rows.Select(r => (double?)r.Features.EmailReplies)),
            FeatureColumn.Numeric("meetingsBooked", rows.Select(r => (double?)r.Features.MeetingsBooked)),
            FeatureColumn.Numeric("meetingsAttended", rows.Select(r => (double?)r.Features.MeetingsAttended)),
            FeatureColumn.Numeric("callsAttempted", rows.Select(r => (double?)r.Features.CallsAttempted)),
            FeatureColumn.Numeric("callsConnected", rows.Select(r => (double?)r.Features.CallsConnected)),
            FeatureColumn.Numeric("totalEngagements", rows.Select(r => (double?)r.Features.TotalEngagements)),
            FeatureColumn.Numeric("daysSinceLastEngagement", rows.Select(r => r.Features.LastEngagementAt is { } at ? Math.Max(0, (r.AsOf - at).TotalDays) : (double?)null)),
            FeatureColumn.Numeric("activitiesLast7Days", rows.Select(r => (double?)r.Features.ActivitiesLast7Days)),
            FeatureColumn.Numeric("activitiesLast30Days", rows.Select(r => (double?)r.Features.ActivitiesLast30Days)),
            FeatureColumn.Numeric("activitiesLast90Days", rows.Select(r => (double?)r.Features.ActivitiesLast90Days)),
            FeatureColumn.Numeric("medianResponseHours", rows.Select(r => r.Features.MedianResponseHours)),
            FeatureColumn.Numeric("dealsCount", rows.Select(r => (double?)r.Features.DealsCount)),
            FeatureColumn.Numeric("dealsWon", rows.Select(r => (double?)r.Features.DealsWon)),
            FeatureColumn.Numeric("dealsLost", rows.Select(r => (double?)r.Features.DealsLost)),
            FeatureColumn.Numeric("averageWonAmount", rows.Select(r => r.Features.AverageWonAmount)),
            FeatureColumn.Numeric("medianSalesCycleDays", rows.Select(r => r.Features.MedianSalesCycleDays)),
            FeatureColumn.Numeric("industryWinRate", rows.Select(r => r.Features.IndustryWinRate)),
            FeatureColumn.Numeric("openDealStageProbability", rows.Select(r => r.Features.OpenDealStageProbability)),
            FeatureColumn.Numeric("fitScore", rows.Select(r => r.Fit)),
            FeatureColumn.Numeric("engagementScore", rows.Select(r => r.Engagement)),
            FeatureColumn.Numeric("outcomeScore", rows.Select(r => r.Outcome)),
            FeatureColumn.Numeric("recencyScore", rows.Select(r => r.Recency)),
            // The rule total at the default weights: one strong, stable column, so the model starts from what the rules
            // already know and learns what they miss.
            FeatureColumn.Numeric(RuleTotalColumn, rows.Select(r => RuleTotal(r, ComponentWeights.Default))),
        ]);
    }

    public static double RuleTotal(LeadSnapshot row, ComponentWeights weights)
    {
        ArgumentNullException.ThrowIfNull(row);
        ArgumentNullException.ThrowIfNull(weights);
        return (weights.Fit * row.Fit) + (weights.Engagement * row.Engagement) + (weights.Outcome * row.Outcome) + (weights.Recency * row.Recency);
    }
}
