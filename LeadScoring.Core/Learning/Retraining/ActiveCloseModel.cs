using LeadScoring.Core.Scoring;

namespace LeadScoring.Core.Learning.Retraining;

/// <summary>
/// The close-probability model the scorer uses right now: the registry's current model, or the version pinned by
/// LEAD_SCORE_MODEL_VERSION, or none (the logistic prior). Swapped atomically when a model is promoted or rolled back.
/// </summary>
public sealed class ActiveCloseModel(Monitoring.LeadScoringMetrics? metrics = null) : ICloseProbabilityModel
{
    /// <summary>How many of a prediction's feature contributions are reported with a score.</summary>
    public const int ReportedContributions = 3;

    private volatile Loaded? _current;

    /// <summary>The version in use; null while the logistic prior is.</summary>
    public string? Version => _current?.Version;

    /// <summary>When the model in use was trained.</summary>
    public DateTimeOffset? TrainedAt => _current?.TrainedAt;

    public ComponentWeights? Weights => _current?.Weights;

    public LearnedCloseProbability? Estimate(LeadFeatures lead, ComponentScores components, DateTimeOffset asOf)
    {
        if (_current is not { } current)
        {
            return null;
        }

        var prediction = current.Model.Explain(LeadSnapshotTable.Build([LeadSnapshot.From(lead, components, asOf)]))[0];
        return new LearnedCloseProbability(
            prediction.Probability,
            current.Version,
            [.. prediction.Contributions.Where(c => c.Known).Take(ReportedContributions).Select(c => new ModelContribution(c.Column, c.Value, Math.Round(c.Contribution, 3)))]);
    }

    public void Use(string version, TrainedModel model, ComponentWeights? weights, DateTimeOffset trainedAt)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        ArgumentNullException.ThrowIfNull(model);
        _current = new Loaded(version, model, weights, trainedAt);
        metrics?.ModelInUse(version);
    }

    public void UsePrior()
    {
        _current = null;
        metrics?.ModelInUse(null);
    }

    /// <summary>
    /// Loads the pinned version, or else the registry's current one, unless it is already in use.
    /// </summary>
    /// <exception cref="InvalidOperationException">The pinned version is not in the registry (the message names the setting).</exception>
    public async Task RefreshAsync(ModelRegistry registry, string? pinnedVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var wanted = pinnedVersion ?? await registry.CurrentVersionAsync(cancellationToken).ConfigureAwait(false);
        if (wanted is null)
        {
            UsePrior();
            return;
        }

        if (wanted == Version)
        {
            return;
        }

        var card = await registry.GetAsync(wanted, cancellationToken).ConfigureAwait(false);
        var model = card is null ? null : await registry.LoadAsync(wanted, cancellationToken).ConfigureAwait(false);
        if (card is null || model is null)
        {
            throw new InvalidOperationException(pinnedVersion is null
                ? $"The registry names model '{wanted}' as current, but its {(card is null ? "card" : "file")} is missing; the previous model stays in use."
                : $"{Settings.LeadScoringSettings.ModelVersionName} pins model '{wanted}', which is not in the registry (or has no model file); the previous model stays in use.");
        }

        Use(wanted, model, card.Weights, card.CreatedAt);
    }

    private sealed record Loaded(string Version, TrainedModel Model, ComponentWeights? Weights, DateTimeOffset TrainedAt);
}
