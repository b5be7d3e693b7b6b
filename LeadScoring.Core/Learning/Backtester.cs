using System.Diagnostics;

namespace LeadScoring.Core.Learning;

/// <summary>How rows are split into training and test sets.</summary>
public enum SplitMode
{
    /// <summary>Stratified k-fold cross-validation: every row is predicted once by a model that never saw it.</summary>
    Random,

    /// <summary>Table order is time order: train on the first rows, test on the last <see cref="BacktestOptions.TestFraction"/>.</summary>
    Chronological,
}

/// <summary>Backtest settings.</summary>
public sealed record BacktestOptions
{
    public SplitMode Split { get; init; } = SplitMode.Random;

    public int Folds { get; init; } = 5;

    /// <summary>Share of the rows, the latest ones, tested on in a chronological split.</summary>
    public double TestFraction { get; init; } = 0.2;

    public int Seed { get; init; } = 1;

    public int BootstrapResamples { get; init; } = 1000;
}

/// <summary>One train/test round.</summary>
public sealed record FoldResult(int Fold, int TrainingRows, int TestRows, int TestPositives, double Auc, TimeSpan TrainingTime);

/// <summary>The metrics over every tested row (out-of-fold predictions pooled), the rounds, and the predictions themselves.</summary>
public sealed record BacktestResult(
    ModelMetrics Metrics,
    IReadOnlyList<FoldResult> Folds,
    IReadOnlyList<bool> Labels,
    IReadOnlyList<double> Probabilities,
    BacktestOptions Options);

/// <summary>Evaluates a <see cref="TabularLearner"/> on data it is not trained on: k-fold or a chronological holdout.</summary>
public sealed class Backtester(TabularLearner learner)
{
    public BacktestResult Run(LabeledTable data, BacktestOptions options, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(options);
        var splits = options.Split == SplitMode.Chronological ? Chronological(data.RowCount, options.TestFraction) : StratifiedFolds(data.Labels, options.Folds, options.Seed);
        // In time order the calibrator must not see the future either: it is fitted on the latest training rows.
        var foldLearner = options.Split == SplitMode.Chronological
            ? new TabularLearner(learner.Options with { CalibrationHoldout = CalibrationHoldout.Latest })
            : learner;
        var labels = new List<bool>();
        var probabilities = new List<double>();
        var folds = new List<FoldResult>();
        for (var f = 0; f < splits.Count; f++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (train, test) = splits[f];
            var testData = data.Subset(test);
            progress?.Report($"fold {f + 1}/{splits.Count}: training on {train.Count:N0} rows, testing on {test.Count:N0}");
            var clock = Stopwatch.StartNew();
            var model = foldLearner.Train(data.Subset(train), cancellationToken);
            var elapsed = clock.Elapsed;
            var predicted = model.PredictProbabilities(testData.Features);
            var auc = BinaryMetrics.Auc(testData.Labels, predicted);
            folds.Add(new FoldResult(f + 1, train.Count, test.Count, testData.Positives, auc, elapsed));
            progress?.Report($"fold {f + 1}/{splits.Count}: AUC {auc:0.0000} (trained in {elapsed.TotalSeconds:0.0} s)");
            labels.AddRange(testData.Labels);
            probabilities.AddRange(predicted);
        }

        var metrics = BinaryMetrics.Evaluate(labels, probabilities, options.BootstrapResamples, options.Seed);
        return new BacktestResult(metrics, folds, labels, probabilities, options);
    }

    /// <summary>k folds, each with the same share of positives; the training rows of a fold keep table order.</summary>
    internal static List<(List<int> Train, List<int> Test)> StratifiedFolds(IReadOnlyList<bool> labels, int folds, int seed)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(folds, 2);
        var foldOf = new int[labels.Count];
        var random = new Random(seed);
        foreach (var label in new[] { true, false })
        {
            var rows = Enumerable.Range(0, labels.Count).Where(i => labels[i] == label).ToArray();
            random.Shuffle(rows);
            for (var k = 0; k < rows.Length; k++)
            {
                foldOf[rows[k]] = k % folds;
            }
        }

        return [.. Enumerable.Range(0, folds).Select(f => (
            Enumerable.Range(0, labels.Count).Where(i => foldOf[i] != f).ToList(),
            Enumerable.Range(0, labels.Count).Where(i => foldOf[i] == f).ToList()))];
    }

    internal static List<(List<int> Train, List<int> Test)> Chronological(int rows, double testFraction)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(testFraction, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(testFraction, 1);
        var cut = rows - (int)Math.Round(rows * testFraction);
        return [([.. Enumerable.Range(0, cut)], [.. Enumerable.Range(cut, rows - cut)])];
    }
}
