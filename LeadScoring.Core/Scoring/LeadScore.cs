using System.Text.Json.Serialization;

namespace LeadScoring.Core.Scoring;

/// <summary>Priority band, written to HubSpot as <c>ai_lead_fit</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Priority>))]
public enum Priority
{
    Low,
    Medium,
    High,
}

/// <summary>What a rep should do next, written to HubSpot as <c>ai_next_best_action</c>.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<NextBestAction>))]
public enum NextBestAction
{
    [JsonStringEnumMemberName("Nurture")]
    Nurture,

    [JsonStringEnumMemberName("Follow-up")]
    FollowUp,

    [JsonStringEnumMemberName("Close")]
    Close,
}

/// <summary>The priority bands: High 80–100, Medium 50–79, Low 0–49.</summary>
internal static class PriorityBands
{
    public const int HighFrom = 80;
    public const int MediumFrom = 50;

    public static Priority FromScore(int score) => score switch
    {
        >= HighFrom => Priority.High,
        >= MediumFrom => Priority.Medium,
        _ => Priority.Low,
    };
}

/// <summary>One line of "why": which factor moved the total, by how many points, in words.</summary>
/// <param name="Impact">Points this factor added to (+) or took from (−) the total versus knowing nothing.</param>
public readonly record struct ScoreReason(ScoreComponent Component, string Factor, double Impact, string Text);

/// <summary>The weights the total was computed with.</summary>
public sealed record ComponentWeights(double Fit, double Engagement, double Outcome, double Recency)
{
    public static ComponentWeights Default { get; } = new(0.30, 0.30, 0.20, 0.20);

    internal double this[ScoreComponent component] => component switch
    {
        ScoreComponent.Fit => Fit,
        ScoreComponent.Engagement => Engagement,
        ScoreComponent.Outcome => Outcome,
        ScoreComponent.Recency => Recency,
        _ => throw new ArgumentOutOfRangeException(nameof(component), component, null),
    };
}

/// <summary>A scored lead. Its JSON is a stable schema (see <see cref="SchemaVersion"/>).</summary>
public sealed record LeadScore
{
    /// <summary>Bumped only on breaking changes to this document.</summary>
    public const int CurrentSchemaVersion = 1;

    public int SchemaVersion { get; init; } = CurrentSchemaVersion;

    public string? ContactId { get; init; }

    /// <summary>0–100, the weighted sum of the components, rounded; written as <c>ai_lead_score</c>.</summary>
    public required int Score { get; init; }

    /// <summary>The unrounded weighted sum, for analysis.</summary>
    public required double ExactScore { get; init; }

    /// <summary>Band of <see cref="Score"/>; written as <c>ai_lead_fit</c>.</summary>
    public required Priority Priority { get; init; }

    /// <summary>0–100 chance the lead closes; written as <c>ai_close_probability</c>.</summary>
    public required int CloseProbability { get; init; }

    /// <summary>Where <see cref="CloseProbability"/> came from, e.g. <c>logistic-prior</c>.</summary>
    public required string CloseProbabilitySource { get; init; }

    /// <summary>The learned model behind <see cref="CloseProbability"/> and the features that moved it; null under the logistic prior.</summary>
    public LearnedCloseProbability? CloseModel { get; init; }

    public required NextBestAction NextBestAction { get; init; }

    /// <summary>Why that action, in words.</summary>
    public required string NextBestActionReason { get; init; }

    /// <summary>0–1: how much of the score rests on real data rather than priors.</summary>
    public required double Confidence { get; init; }

    /// <summary>The factors that moved the score most, strongest first.</summary>
    public required IReadOnlyList<ScoreReason> TopReasons { get; init; }

    /// <summary>Feature names that were unknown, so a rep knows what to find out.</summary>
    public required IReadOnlyList<string> MissingData { get; init; }

    public required ComponentScores Components { get; init; }

    public required ComponentWeights Weights { get; init; }

    /// <summary>Hand-classified training records this lead resembles, and how much they moved the score; null when none.</summary>
    public SimilarityEvidence? Similarity { get; init; }

    /// <summary>
    /// What the AI analyst said: used (its score, fit and action replaced the deterministic ones) or
    /// <c>fallback: true</c> with why; null when the analyst was not asked.
    /// </summary>
    public AI.AnalystVerdict? Analyst { get; init; }

    /// <summary>Scorer and profile that produced this score, e.g. <c>rules-1/default@1</c>.</summary>
    public required string ModelVersion { get; init; }

    public required DateTimeOffset ScoredAt { get; init; }

    /// <summary>Why the close probability and the band disagree, when they do (only with a learned model); null otherwise.</summary>
    public string? BandNote { get; init; }
}

/// <summary>A training record the lead resembles.</summary>
/// <param name="Similarity">Cosine similarity of the two leads' embeddings, 0–1.</param>
public sealed record SimilarRecord(string Id, string Classification, int Score, double Similarity);

/// <summary>What the look-alikes contributed: their similarity-weighted score and the weight it got in the total.</summary>
/// <param name="ComponentScore">The total of the four components alone, before the look-alikes were blended in.</param>
public sealed record SimilarityEvidence(double Score, double Weight, double ComponentScore, IReadOnlyList<SimilarRecord> Neighbours);
