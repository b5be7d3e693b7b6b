namespace LeadScoring.Core.Scoring;

/// <summary>
/// A learned close-probability model and component weights, when one has been trained and promoted. The scorer asks it
/// for every lead; while it has no model it answers null and the documented logistic prior stands.
/// </summary>
public interface ICloseProbabilityModel
{
    /// <summary>Weights refitted against outcomes, or null to keep the profile's.</summary>
    ComponentWeights? Weights { get; }

    /// <summary>The model's calibrated probability for this lead, or null when no model is in use.</summary>
    /// <param name="components">The rule components just computed for the lead (the model learns from them too).</param>
    LearnedCloseProbability? Estimate(LeadFeatures lead, ComponentScores components, DateTimeOffset asOf);
}

/// <summary>What the learned model said about one lead.</summary>
/// <param name="Probability">Calibrated, 0–1.</param>
/// <param name="ModelVersion">The registry version, e.g. <c>m20261124-140501</c>.</param>
/// <param name="Contributions">The features that moved this prediction most (log-odds contributions), strongest first.</param>
public sealed record LearnedCloseProbability(double Probability, string ModelVersion, IReadOnlyList<ModelContribution> Contributions);

/// <summary>One feature's push on a prediction, in the model's log-odds.</summary>
public sealed record ModelContribution(string Feature, string Value, double Contribution);
