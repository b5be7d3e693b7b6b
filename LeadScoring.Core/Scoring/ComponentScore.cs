using System.Text.Json.Serialization;

namespace LeadScoring.Core.Scoring;

/// <summary>The four explainable parts of a lead score.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScoreComponent>))]
public enum ScoreComponent
{
    Fit,
    Engagement,
    Outcome,
    Recency,

    /// <summary>Not a component: the look-alike training records, when a reason comes from them.</summary>
    Similarity,

    /// <summary>Not a component: the AI analyst, when its answer was used.</summary>
    Analyst,
}

/// <summary>
/// One input to a component: its points (0–100), its weight inside the component, and how much
/// evidence backs it (0 = none, so the component's prior stands in for it).
/// </summary>
/// <param name="Name">Stable factor id, e.g. <c>industry</c>.</param>
/// <param name="Weight">Share of the component (the weights of a component sum to 1).</param>
/// <param name="Points">0–100, or null when the data is missing.</param>
/// <param name="Evidence">0–1: 1 for a known value, less when few observations back it (e.g. two deals).</param>
/// <param name="Reason">Plain-English explanation a sales rep understands.</param>
public readonly record struct ScoreFactor(string Name, double Weight, double? Points, double Evidence, string Reason)
{
    internal static ScoreFactor Missing(string name, double weight, string reason) => new(name, weight, null, 0, reason);

    /// <summary>How many component points this factor moves the component away from its prior.</summary>
    public double ImpactOn(double prior) => Points is double p ? Weight * Evidence * (p - prior) : 0;
}

/// <summary>A component's score with the factors behind it.</summary>
/// <param name="Score">0–100: evidence-weighted factor points, with the prior filling in what is unknown.</param>
/// <param name="Confidence">0–1: the share of the component backed by evidence.</param>
/// <param name="Prior">The score a lead gets on this component when nothing is known.</param>
public sealed record ComponentScore(ScoreComponent Component, double Score, double Confidence, double Prior, IReadOnlyList<ScoreFactor> Factors)
{
    /// <summary>
    /// Combines factors: score = Σ wᵢ·cᵢ·pᵢ + (1 − Σ wᵢ·cᵢ)·prior, i.e. each factor is shrunk toward the prior
    /// by its evidence cᵢ. Missing data therefore pulls toward the prior and lowers confidence; it never counts as 0.
    /// </summary>
    internal static ComponentScore Combine(ScoreComponent component, ScoreFactor[] factors, double prior)
    {
        double backed = 0, weighted = 0;
        for (var i = 0; i < factors.Length; i++)
        {
            if (factors[i].Points is double points)
            {
                backed += factors[i].Weight * factors[i].Evidence;
                weighted += factors[i].Weight * factors[i].Evidence * points;

                // Reported points are rounded for people; the score above uses the exact value.
                factors[i] = factors[i] with { Points = Math.Round(points, 1), Evidence = Math.Round(factors[i].Evidence, 3) };
            }
        }

        backed = Math.Clamp(backed, 0, 1);
        var score = Math.Clamp(weighted + ((1 - backed) * prior), 0, 100);
        return new ComponentScore(component, Math.Round(score, 2), Math.Round(backed, 3), prior, factors);
    }
}

/// <summary>The four component scores of a lead.</summary>
public sealed record ComponentScores(ComponentScore Fit, ComponentScore Engagement, ComponentScore Outcome, ComponentScore Recency)
{
    internal ComponentScore this[ScoreComponent component] => component switch
    {
        ScoreComponent.Fit => Fit,
        ScoreComponent.Engagement => Engagement,
        ScoreComponent.Outcome => Outcome,
        ScoreComponent.Recency => Recency,
        _ => throw new ArgumentOutOfRangeException(nameof(component), component, null),
    };
}
