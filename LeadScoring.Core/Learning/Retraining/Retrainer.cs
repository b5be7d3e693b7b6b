using System.Text.Json;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Settings;
using LeadScoring.Core.Storage;
using LeadScoring.Core.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.Learning.Retraining;

/// <summary>Options of one retraining run.</summary>
/// <param name="ShuffleLabelsSeed">A drill: trains the candidate on shuffled labels, which the promotion rules must refuse.</param>
public sealed record RetrainRequest(int? ShuffleLabelsSeed = null);

/// <summary>Lets one retraining run at a time per instance (the timer and the admin route share it).</summary>
public sealed class RetrainingGate
{
    internal SemaphoreSlim Semaphore { get; } = new(1, 1);
}

/// <summary>
/// Retrains the close-probability model: a point-in-time training set from the score history and HubSpot's closed
/// deals (plus hand-classified records), a time-ordered split, a candidate trained on the older part and evaluated
/// on the most recent slice against the model in use (or the logistic prior), component weights refitted within
/// their band, and promotion only when the <see cref="PromotionPolicy"/> says so. Every run leaves a model card.
/// </summary>
public sealed partial class Retrainer(
    ScoreHistoryStore history,
    TrainingRecordStore trainingRecords,
    HubSpotOutcomeReader outcomes,
    ModelRegistry registry,
    ActiveCloseModel active,
    LeadScorer scorer,
    RetrainingGate gate,
    Alerts.AdminAlerts alerts,
    IOptions<LeadScoringSettings> settings,
    TimeProvider clock,
    ILogger<Retrainer> logger)
{
    /// <summary>Share of the labelled outcomes, the most recent ones, that the candidate is judged on.</summary>
    public const double EvaluationFraction = 0.2;

    public static PromotionPolicy Policy { get; } = new();

    public async Task<ModelCard> RunAsync(RetrainRequest? request = null, CancellationToken cancellationToken = default)
    {
        request ??= new RetrainRequest();
        await gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var card = await TrainAsync(request, cancellationToken).ConfigureAwait(false);
            LogRetrained(logger, card.Version, card.Status, card.Reason);
            return card;
        }
        finally
        {
            gate.Semaphore.Release();
        }
    }

    private async Task<ModelCard> TrainAsync(RetrainRequest request, CancellationToken cancellationToken)
    {
        var s = settings.Value;
        var now = clock.GetUtcNow();
        var version = registry.NewVersion();
        var rules = new PointInTimeRules(s.OutcomeWindow, s.TrainingRecordWeight);

        var scored = new List<ScoredLead>();
        await foreach (var entry in history.AllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (JsonSerializer.Deserialize(entry.FeaturesJson, ScoringJsonContext.Default.LeadFeatures) is { } features)
            {
                scored.Add(new ScoredLead(entry.ContactId, entry.ScoredAt, new LeadSnapshot(features, entry.Fit, entry.Engagement, entry.Outcome, entry.Recency, features.AsOf ?? entry.ScoredAt), entry.ExactScore));
            }
        }

        var deals = await outcomes.ReadAsync([.. scored.Select(h => h.ContactId).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
        var examples = PointInTimeDataset.FromOutcomes(scored, deals, rules, now);
        var positives = examples.Count(e => e.Label);
        var inUse = active.Version is { } v ? $"model {v}" : "the documented logistic prior";
        var card = new ModelCard
        {
            Version = version,
            CreatedAt = now,
            Status = ModelStatus.Skipped,
            Reason = "",
            TrainingWindowStart = examples.Count > 0 ? examples[0].At : null,
            TrainingWindowEnd = examples.Count > 0 ? examples[^1].At : null,
            Rows = examples.Count,
            Positives = positives,
        };

        if (examples.Count < s.MinOutcomes || positives < s.MinPositives)
        {
            return await SkipAsync(card with
            {
                Reason = $"not trained: {examples.Count} labelled outcomes (needs {s.MinOutcomes}, {LeadScoringSettings.MinOutcomesName}) and {positives} positive (needs {s.MinPositives}, {LeadScoringSettings.MinPositivesName}); {inUse} stays in use",
            }, cancellationToken).ConfigureAwait(false);
        }

        var evaluationCount = Math.Max(1, (int)Math.Round(examples.Count * EvaluationFraction));
        var training = examples.Take(examples.Count - evaluationCount).ToList();
        var evaluation = examples.Skip(examples.Count - evaluationCount).ToList();
        if (evaluation.All(e => e.Label) || evaluation.All(e => !e.Label) || training.All(e => e.Label) || training.All(e => !e.Label))
        {
            return await SkipAsync(card with { Reason = $"not trained: the training part or the most recent slice has outcomes of one kind only; {inUse} stays in use" }, cancellationToken).ConfigureAwait(false);
        }

        var records = new List<(LeadSnapshot, bool, DateTimeOffset)>();
        await foreach (var record in trainingRecords.AllAsync(cancellationToken).ConfigureAwait(false))
        {
            var asOf = record.Features.AsOf ?? record.CreatedAt;
            records.Add((LeadSnapshot.From(record.Features, scorer.Score(record.Features with { AsOf = asOf }).Components, asOf), record.Classification == TrainingClassification.Ideal, record.CreatedAt));
        }

        List<LabeledExample> rows = [.. training, .. PointInTimeDataset.FromTrainingRecords(records, rules)];
        var labels = rows.Select(r => r.Label).ToArray();
        if (request.ShuffleLabelsSeed is { } seed)
        {
            new Random(seed).Shuffle(labels);
        }

        var learner = new TabularLearner(LearnerOptionsFor(rows.Count));
        var model = await Task.Run(
            () => learner.Train(new LabeledTable(LeadSnapshotTable.Build([.. rows.Select(r => r.Snapshot)]), labels, [.. rows.Select(r => r.Weight)]), cancellationToken),
            cancellationToken).ConfigureAwait(false);

        var evaluationTable = LeadSnapshotTable.Build([.. evaluation.Select(e => e.Snapshot)]);
        bool[] evaluationLabels = [.. evaluation.Select(e => e.Label)];
        var metrics = BinaryMetrics.Evaluate(evaluationLabels, model.PredictProbabilities(evaluationTable), bootstrapResamples: 200);
        var (baselineName, baselineAuc) = await BaselineAsync(evaluation, evaluationTable, evaluationLabels, cancellationToken).ConfigureAwait(false);
        var weights = ComponentWeightFitter.Fit(training, evaluation, active.Weights ?? scorer.Profile.Weights, s.WeightBand);
        var (promote, reason) = Policy.Decide(metrics, baselineAuc, baselineName);
        if (request.ShuffleLabelsSeed is not null)
        {
            reason += " (drill: candidate trained on shuffled labels)";
        }

        card = card with
        {
            Status = promote ? ModelStatus.Promoted : ModelStatus.Refused,
            Reason = reason,
            TrainingRecords = records.Count,
            EvaluationRows = evaluation.Count,
            EvaluationPositives = evaluation.Count(e => e.Label),
            Auc = Math.Round(metrics.Auc, 4),
            PrAuc = Math.Round(metrics.PrAuc, 4),
            LogLoss = Math.Round(metrics.LogLoss, 4),
            Ece = Math.Round(metrics.Ece, 4),
            LiftAt10 = Math.Round(metrics.LiftAt10Percent, 3),
            Baseline = baselineName,
            BaselineAuc = Math.Round(baselineAuc, 4),
            Weights = weights.New,
            PreviousWeights = weights.Old,
            WeightsReason = weights.Why,
            Calibration = [.. (metrics.CalibrationByRank ?? metrics.Calibration).Where(b => b.Rows > 0)
                .Select(b => new CalibrationPoint(Math.Round(b.MeanPredicted, 4), Math.Round(b.ObservedRate, 4), b.Rows, Math.Round(b.Low, 4), Math.Round(b.High, 4)))],
            LiftByDecile = [.. metrics.Deciles.Select(d => Math.Round(d.Lift, 3))],
        };

        using var file = new MemoryStream();
        model.Save(file);
        file.Position = 0;
        await registry.SaveAsync(card with { Status = ModelStatus.Refused }, file, cancellationToken).ConfigureAwait(false);
        if (!promote && request.ShuffleLabelsSeed is null)
        {
            alerts.ModelPromotionRefused(version, reason);
        }

        if (promote)
        {
            await registry.PromoteAsync(version, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (s.ModelVersion is null)
            {
                active.Use(version, model, weights.New, now);
            }
        }

        return card;
    }

    private async Task<ModelCard> SkipAsync(ModelCard card, CancellationToken cancellationToken)
    {
        await registry.SaveAsync(card, null, cancellationToken).ConfigureAwait(false);
        return card;
    }

    /// <summary>The model in use judged on the same slice, or the logistic prior when none is.</summary>
    private async Task<(string Name, double Auc)> BaselineAsync(IReadOnlyList<LabeledExample> evaluation, FeatureTable table, bool[] labels, CancellationToken cancellationToken)
    {
        if (active.Version is { } current && await registry.LoadAsync(current, cancellationToken).ConfigureAwait(false) is { } model)
        {
            return ($"model {current}", BinaryMetrics.Auc(labels, model.PredictProbabilities(table)));
        }

        var prior = scorer.Profile.CloseProbability;
        return ("the logistic prior", BinaryMetrics.Auc(labels, [.. evaluation.Select(e => Curves.Logistic(e.ExactScore ?? 0, prior.Midpoint, prior.Scale))]));
    }

    /// <summary>Trees sized to the data: a portal with a few hundred outcomes needs smaller leaves than a 45,000-row export.</summary>
    internal static LearnerOptions LearnerOptionsFor(int rows) => new()
    {
        NumberOfTrees = 100,
        LearningRate = 0.05,
        NumberOfLeaves = 4,
        MinimumRowsPerLeaf = Math.Clamp(rows / 15, 10, 60),
        MinimumCategoryCount = Math.Clamp(rows / 100, 2, 10),
        Seed = 1,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining {Version}: {Status} — {Reason}")]
    private static partial void LogRetrained(ILogger logger, string version, ModelStatus status, string reason);
}
