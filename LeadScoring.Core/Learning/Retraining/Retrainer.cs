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
/// deals (plus hand-classified records); rolling-origin folds over the most recent outcomes, each judged by a
/// candidate trained on everything before it against the model in use (or the logistic prior) on the same rows;
/// the newest candidate recalibrated on the newest outcomes; component weights refitted within their band; and
/// promotion only when the <see cref="PromotionPolicy"/> says so. Every run leaves a model card.
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
    /// <summary>Share of the labelled outcomes, the most recent ones, that candidates are judged on.</summary>
    public const double EvaluationFraction = 0.3;

    /// <summary>Time-ordered folds that share is cut into, each judged by a candidate trained on everything before it.</summary>
    public const int FoldCount = 3;

    public static PromotionPolicy Policy { get; } = new();

    public async Task<ModelCard> RunAsync(RetrainRequest? request = null, CancellationToken cancellationToken = default)
    {
        request ??= new RetrainRequest();
        await gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var card = await TrainAsync(request, cancellationToken).ConfigureAwait(false);
            LogRetrained(logger, card.Key, card.Status, card.Reason);
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
        var rules = new PointInTimeRules(s.OutcomeWindow, s.TrainingRecordWeight);
        var scored = await ReadHistoryAsync(cancellationToken).ConfigureAwait(false);
        var deals = await outcomes.ReadAsync([.. scored.Select(h => h.ContactId).Distinct(StringComparer.Ordinal)], cancellationToken).ConfigureAwait(false);
        var examples = PointInTimeDataset.FromOutcomes(scored, deals, rules, now);
        var positives = examples.Count(e => e.Label);
        var inUse = active.Version is { } v ? $"model {v}" : "the documented logistic prior";
        var card = new ModelCard
        {
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

        if (EvaluationFolds(examples) is not { } folds)
        {
            return await SkipAsync(card with { Reason = $"not trained: the most recent outcomes, or the rows before them, are of one kind only; {inUse} stays in use" }, cancellationToken).ConfigureAwait(false);
        }

        var records = await ReadTrainingRecordsAsync(rules, cancellationToken).ConfigureAwait(false);
        var baseline = await BaselineAsync(cancellationToken).ConfigureAwait(false);

        // One candidate per fold, each trained on everything before its fold and judged on it (rolling origin); the
        // newest fold's candidate is the one that may be promoted — it was judged on data it never saw.
        var judged = new List<EvaluationFold>(folds.Count);
        TrainedModel? candidate = null;
        foreach (var (start, end) in folds)
        {
            var model = await TrainCandidateAsync([.. examples.Take(start), .. records], request.ShuffleLabelsSeed, cancellationToken).ConfigureAwait(false);
            var fold = examples.Skip(start).Take(end - start).ToList();
            var table = LeadSnapshotTable.Build([.. fold.Select(e => e.Snapshot)]);
            judged.Add(new EvaluationFold([.. fold.Select(e => e.Label)], model.PredictProbabilities(table), baseline.Predict(fold, table)));
            candidate = model;
        }

        var (newestStart, newestEnd) = folds[^1];
        var newest = examples.Skip(newestStart).Take(newestEnd - newestStart).ToList();
        var newestTable = LeadSnapshotTable.Build([.. newest.Select(e => e.Snapshot)]);
        bool[] newestLabels = [.. newest.Select(e => e.Label)];
        var raw = candidate!.PredictRawScores(newestTable);
        var calibration = Recalibration.Check(raw, judged[^1].Candidate, newestLabels);
        if (calibration.Recalibrated && Recalibration.Fit(raw, newestLabels) is { } recalibrated)
        {
            candidate = candidate.WithCalibrator(recalibrated, $"refitted on the {newest.Count} most recent outcomes");
        }

        var decision = Policy.Decide(judged, calibration, baseline.Name, candidate.Anchor);
        var reason = decision.Reason + (request.ShuffleLabelsSeed is null ? "" : " (drill: candidate trained on shuffled labels)");
        var firstEvaluated = folds[0].Start;
        var weights = ComponentWeightFitter.Fit([.. examples.Take(firstEvaluated)], [.. examples.Skip(firstEvaluated)], active.Weights ?? scorer.Profile.Weights, s.WeightBand);
        var metrics = BinaryMetrics.Evaluate(newestLabels, calibration.Recalibrated ? Recalibration.CrossFitted(raw, newestLabels) : judged[^1].Candidate, bootstrapResamples: 200);
        var version = registry.NewVersion();
        card = card with
        {
            Version = version,
            Status = decision.Promote ? ModelStatus.Promoted : ModelStatus.Refused,
            Reason = reason,
            Verdict = decision.Verdict,
            TrainingRecords = records.Count,
            TrainingRows = newestStart + records.Count,
            EvaluationFolds = folds.Count,
            EvaluationRows = examples.Count - firstEvaluated,
            EvaluationPositives = examples.Skip(firstEvaluated).Count(e => e.Label),
            Auc = Math.Round(BinaryMetrics.Auc(newestLabels, judged[^1].Candidate), 4),
            PrAuc = Math.Round(metrics.PrAuc, 4),
            LogLoss = Math.Round(metrics.LogLoss, 4),
            Ece = Math.Round(calibration.Judged, 4),
            EceBeforeRecalibration = Math.Round(calibration.EceBefore, 4),
            CalibrationBound = Math.Round(Math.Max(Policy.MaxEce, calibration.ChanceBound), 4),
            LiftAt10 = Math.Round(metrics.LiftAt10Percent, 3),
            Baseline = baseline.Name,
            BaselineAuc = Math.Round(BinaryMetrics.Auc(newestLabels, judged[^1].Baseline), 4),
            AucDifference = Math.Round(decision.AucDifference, 4),
            AucDifferenceLow = Math.Round(decision.Interval.Low, 4),
            AucDifferenceHigh = Math.Round(decision.Interval.High, 4),
            Margin = decision.Margin,
            Weights = weights.New,
            PreviousWeights = weights.Old,
            WeightsReason = weights.Why,
            Calibration = [.. (metrics.CalibrationByRank ?? metrics.Calibration).Where(b => b.Rows > 0)
                .Select(b => new CalibrationPoint(Math.Round(b.MeanPredicted, 4), Math.Round(b.ObservedRate, 4), b.Rows, Math.Round(b.Low, 4), Math.Round(b.High, 4)))],
            LiftByDecile = [.. metrics.Deciles.Select(d => Math.Round(d.Lift, 3))],
        };

        await SaveAndDecideAsync(card, candidate, weights.New, now, request.ShuffleLabelsSeed is not null, cancellationToken).ConfigureAwait(false);
        return card;
    }

    /// <summary>Stores the candidate (as refused until promoted: a crash in between never leaves an unjudged model in use), then promotes it or raises the alert.</summary>
    private async Task SaveAndDecideAsync(ModelCard card, TrainedModel model, ComponentWeights weights, DateTimeOffset now, bool drill, CancellationToken cancellationToken)
    {
        var version = card.Version!;
        using var file = new MemoryStream();
        model.Save(file);
        file.Position = 0;
        await registry.SaveAsync(card with { Status = ModelStatus.Refused }, file, cancellationToken).ConfigureAwait(false);
        if (card.Status != ModelStatus.Promoted)
        {
            if (!drill)
            {
                alerts.ModelPromotionRefused(version, card.Reason);
            }

            return;
        }

        await registry.PromoteAsync(version, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (settings.Value.ModelVersion is null)
        {
            active.Use(version, model, weights, now);
        }
    }

    private async Task<List<ScoredLead>> ReadHistoryAsync(CancellationToken cancellationToken)
    {
        var scored = new List<ScoredLead>();
        await foreach (var entry in history.AllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (JsonSerializer.Deserialize(entry.FeaturesJson, ScoringJsonContext.Default.LeadFeatures) is { } features)
            {
                scored.Add(new ScoredLead(entry.ContactId, entry.ScoredAt, new LeadSnapshot(features, entry.Fit, entry.Engagement, entry.Outcome, entry.Recency, features.AsOf ?? entry.ScoredAt), entry.ExactScore));
            }
        }

        return scored;
    }

    private async Task<IReadOnlyList<LabeledExample>> ReadTrainingRecordsAsync(PointInTimeRules rules, CancellationToken cancellationToken)
    {
        var records = new List<(LeadSnapshot, bool, DateTimeOffset)>();
        await foreach (var record in trainingRecords.AllAsync(cancellationToken).ConfigureAwait(false))
        {
            var asOf = record.Features.AsOf ?? record.CreatedAt;
            records.Add((LeadSnapshot.From(record.Features, scorer.Score(record.Features with { AsOf = asOf }).Components, asOf), record.Classification == TrainingClassification.Ideal, record.CreatedAt));
        }

        return PointInTimeDataset.FromTrainingRecords(records, rules);
    }

    private static Task<TrainedModel> TrainCandidateAsync(IReadOnlyList<LabeledExample> rows, int? shuffleLabelsSeed, CancellationToken cancellationToken)
    {
        var labels = rows.Select(r => r.Label).ToArray();
        if (shuffleLabelsSeed is { } seed)
        {
            new Random(seed).Shuffle(labels);
        }

        var learner = new TabularLearner(LearnerOptionsFor(rows.Count));
        var table = new LabeledTable(LeadSnapshotTable.Build([.. rows.Select(r => r.Snapshot)]), labels, [.. rows.Select(r => r.Weight)]);
        return Task.Run(() => learner.Train(table, cancellationToken), cancellationToken);
    }

    /// <summary>
    /// The most recent <see cref="EvaluationFraction"/> of the outcomes cut into up to <see cref="FoldCount"/>
    /// consecutive folds (start inclusive, end exclusive); fewer when a fold, or the rows before it, would hold one
    /// class only; null when even one fold can't.
    /// </summary>
    internal static IReadOnlyList<(int Start, int End)>? EvaluationFolds(IReadOnlyList<LabeledExample> examples)
    {
        var evaluated = Math.Max(1, (int)Math.Round(examples.Count * EvaluationFraction));
        var first = examples.Count - evaluated;
        for (var count = Math.Min(FoldCount, evaluated); count >= 1; count--)
        {
            var folds = Enumerable.Range(0, count).Select(k => (Start: first + (k * evaluated / count), End: first + ((k + 1) * evaluated / count))).ToList();
            if (folds.All(f => Mixed(examples, f.Start, f.End) && Mixed(examples, 0, f.Start)))
            {
                return folds;
            }
        }

        return null;
    }

    private static bool Mixed(IReadOnlyList<LabeledExample> examples, int start, int end)
    {
        bool positive = false, negative = false;
        for (var i = start; i < end; i++)
        {
            positive |= examples[i].Label;
            negative |= !examples[i].Label;
        }

        return positive && negative;
    }

    private async Task<ModelCard> SkipAsync(ModelCard card, CancellationToken cancellationToken)
    {
        // A run that trained nothing made no model: it is listed under a run name, never a model version.
        card = card with { Run = registry.NewRunName() };
        await registry.SaveAsync(card, null, cancellationToken).ConfigureAwait(false);
        return card;
    }

    /// <summary>What the candidate is judged against: the model in use, or the logistic prior when none is.</summary>
    private async Task<Baseline> BaselineAsync(CancellationToken cancellationToken)
    {
        if (active.Version is { } current && await registry.LoadAsync(current, cancellationToken).ConfigureAwait(false) is { } model)
        {
            return new Baseline($"model {current}", (_, table) => model.PredictProbabilities(table));
        }

        var prior = scorer.Profile.CloseProbability;
        return new Baseline("the logistic prior", (rows, _) => [.. rows.Select(e => Curves.Logistic(e.ExactScore ?? 0, prior.Midpoint, prior.Scale))]);
    }

    private sealed record Baseline(string Name, Func<IReadOnlyList<LabeledExample>, FeatureTable, double[]> Predict);

    /// <summary>Trees sized to the data: a portal with a few hundred outcomes needs smaller leaves than a 45,000-row export.</summary>
    internal static LearnerOptions LearnerOptionsFor(int rows) => new()
    {
        NumberOfTrees = 100,
        LearningRate = 0.05,
        NumberOfLeaves = 4,
        MinimumRowsPerLeaf = Math.Clamp(rows / 15, 10, 60),
        MinimumCategoryCount = Math.Clamp(rows / 100, 2, 10),
        Seed = 1,
        // A few hundred outcomes teach trees less than the rules already know: the model starts from the rule total.
        AnchorColumn = LeadSnapshotTable.RuleTotalColumn,
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Retraining {Version}: {Status} — {Reason}")]
    private static partial void LogRetrained(ILogger logger, string version, ModelStatus status, string reason);
}
