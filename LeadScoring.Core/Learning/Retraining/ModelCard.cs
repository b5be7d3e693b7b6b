using System.Text.Json.Serialization;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Core.Learning.Retraining;

/// <summary>What became of a retraining.</summary>
[JsonConverter(typeof(ModelStatusJsonConverter))]
public enum ModelStatus
{
    /// <summary>In use (or was, until a later one replaced it: then <see cref="Retired"/>).</summary>
    Promoted,

    /// <summary>Trained and evaluated, but not better than what is in use; kept for the record.</summary>
    Refused,

    /// <summary>Was promoted; a newer model or a rollback replaced it.</summary>
    Retired,

    /// <summary>Not trained: too little outcome data. The documented logistic prior stays.</summary>
    Skipped,
}

/// <summary>Statuses as lowercase words in JSON: <c>promoted</c>, <c>refused</c>, <c>retired</c>, <c>skipped</c>.</summary>
internal sealed class ModelStatusJsonConverter() : JsonStringEnumConverter<ModelStatus>(System.Text.Json.JsonNamingPolicy.CamelCase, allowIntegerValues: false);

/// <summary>The registry as the models route shows it: the version in use, a pinned one, and every card newest first.</summary>
/// <param name="InUse">The model in use under its one name, as scores and the Operations page carry it (rules/profile, and +close model).</param>
public sealed record ModelsOverview(string? Current, string? PinnedVersion, IReadOnlyList<ModelCard> Models, string? InUse = null);

/// <summary>A calibration bin as the dashboard plots it: an equal-count bin (by rank) from <see cref="Low"/> to <see cref="High"/> predicted (null on cards written before).</summary>
public sealed record CalibrationPoint(double Predicted, double Observed, int Count, double? Low = null, double? High = null);

/// <summary>
/// The model card: everything known about one retraining — data, metrics on the most recent slice, weights and the
/// decision with its reason. Stored in the registry table; the model itself is a blob named after <see cref="Version"/>.
/// </summary>
public sealed record ModelCard
{
    public required string Version { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    public required ModelStatus Status { get; init; }

    /// <summary>The decision in one sentence: promoted/refused/skipped and why.</summary>
    public required string Reason { get; init; }

    public DateTimeOffset? TrainingWindowStart { get; init; }

    public DateTimeOffset? TrainingWindowEnd { get; init; }

    /// <summary>Labelled outcome examples (training + evaluation), and how many of them were positive.</summary>
    public int Rows { get; init; }

    public int Positives { get; init; }

    /// <summary>Hand-classified training records added to the training rows.</summary>
    public int TrainingRecords { get; init; }

    public int EvaluationRows { get; init; }

    public int EvaluationPositives { get; init; }

    public double? Auc { get; init; }

    public double? PrAuc { get; init; }

    public double? LogLoss { get; init; }

    public double? Ece { get; init; }

    public double? LiftAt10 { get; init; }

    /// <summary>What the candidate was compared with (the model in use, or the logistic prior) and its AUC on the same slice.</summary>
    public string? Baseline { get; init; }

    public double? BaselineAuc { get; init; }

    /// <summary>The component weights this model scores with (refitted or unchanged).</summary>
    public ComponentWeights? Weights { get; init; }

    public ComponentWeights? PreviousWeights { get; init; }

    /// <summary>Why the weights changed or did not.</summary>
    public string? WeightsReason { get; init; }

    public IReadOnlyList<CalibrationPoint> Calibration { get; init; } = [];

    public IReadOnlyList<double> LiftByDecile { get; init; } = [];
}
