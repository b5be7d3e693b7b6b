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

/// <summary>Verdicts as camelCase words in JSON: <c>notWorse</c>, <c>crediblyWorse</c>, <c>inconclusive</c>, <c>miscalibrated</c>, <c>noSignal</c>.</summary>
internal sealed class PromotionVerdictJsonConverter() : JsonStringEnumConverter<PromotionVerdict>(System.Text.Json.JsonNamingPolicy.CamelCase, allowIntegerValues: false);

/// <summary>
/// The model card: everything known about one retraining — data, metrics on the most recent outcomes, weights and the
/// decision with its reason. Stored in the registry table; the model itself is a blob named after <see cref="Version"/>.
/// </summary>
public sealed record ModelCard
{
    /// <summary>The model's version; null for a skipped run, which trained no model.</summary>
    public string? Version { get; init; }

    /// <summary>A skipped run's name in the registry (<c>run-…</c>); null for a trained model, which goes by its version.</summary>
    public string? Run { get; init; }

    /// <summary>The registry key: the version, or a skipped run's name.</summary>
    [JsonIgnore]
    public string Key => Version ?? Run ?? throw new InvalidOperationException("A model card needs a version or, for a skipped run, a run name.");

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

    /// <summary>Rows the promoted candidate's trees and calibrator were trained on (outcomes before its fold, plus records).</summary>
    public int TrainingRows { get; init; }

    /// <summary>Time-ordered folds of recent outcomes the candidates were judged on, and their rows in all.</summary>
    public int EvaluationFolds { get; init; }

    public int EvaluationRows { get; init; }

    public int EvaluationPositives { get; init; }

    public double? Auc { get; init; }

    public double? PrAuc { get; init; }

    public double? LogLoss { get; init; }

    /// <summary>Calibration error on the newest fold: after recalibrating there (cross-fitted) when that helped, else as trained.</summary>
    public double? Ece { get; init; }

    /// <summary>The same before recalibration: what the candidate trained on older outcomes would have said.</summary>
    public double? EceBeforeRecalibration { get; init; }

    /// <summary>The largest calibration error accepted: the policy's fixed limit, or what chance gives at this size if larger.</summary>
    public double? CalibrationBound { get; init; }

    public double? LiftAt10 { get; init; }

    /// <summary>What the candidate was compared with (the model in use, or the logistic prior) and its AUC on the same slice.</summary>
    public string? Baseline { get; init; }

    public double? BaselineAuc { get; init; }

    /// <summary>Mean over the folds of the candidate's AUC minus the baseline's on the same rows, and its paired-bootstrap 95 % interval.</summary>
    public double? AucDifference { get; init; }

    public double? AucDifferenceLow { get; init; }

    public double? AucDifferenceHigh { get; init; }

    /// <summary>How much worse than the baseline (in AUC) the interval's lower end may reach and still promote.</summary>
    public double? Margin { get; init; }

    /// <summary>What the promotion rules concluded; null for a skipped run or a card written before verdicts.</summary>
    public PromotionVerdict? Verdict { get; init; }

    /// <summary>The component weights this model scores with (refitted or unchanged).</summary>
    public ComponentWeights? Weights { get; init; }

    public ComponentWeights? PreviousWeights { get; init; }

    /// <summary>Why the weights changed or did not.</summary>
    public string? WeightsReason { get; init; }

    public IReadOnlyList<CalibrationPoint> Calibration { get; init; } = [];

    public IReadOnlyList<double> LiftByDecile { get; init; } = [];
}
