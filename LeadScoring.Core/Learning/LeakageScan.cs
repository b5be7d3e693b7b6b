namespace LeadScoring.Core.Learning;

/// <summary>How well one column predicts the label on its own, and whether that smells of a leak.</summary>
/// <param name="AucAlone">Out-of-fold AUC of the column by itself (0.5 = no signal).</param>
/// <param name="AucDrop">Holdout AUC lost when the learner is trained without the column; null when not measured.</param>
/// <param name="ProbableLeak">Alone it predicts the label (AUC above <see cref="LeakageScan.AloneThreshold"/>): almost surely recorded after the outcome.</param>
/// <param name="Dominant">The model leans on it (loses more than <see cref="LeakageScan.DropThreshold"/> AUC without it): the scan can't tell
/// whether it is known before the outcome — the user must check.</param>
public sealed record ColumnLeakage(string Column, double AucAlone, double? AucDrop, bool ProbableLeak, string? Reason, bool Dominant = false)
{
    /// <summary>Worth a warning: a probable leak, or a column the model leans on.</summary>
    public bool Flagged => ProbableLeak || Dominant;
}

/// <summary>
/// Looks for columns that may be known only after the outcome, with two different findings: a column that alone
/// predicts the label with out-of-fold AUC above <see cref="AloneThreshold"/> (0.9) is a probable leak; a column the
/// model loses more than <see cref="DropThreshold"/> (0.05) AUC without it is dominant — one column carrying the
/// model, as the call duration does in bank marketing (alone ≈ 0.81). Dominance is not evidence of a leak (a
/// legitimate strong column looks the same); it says where to check when the column is recorded. It reports;
/// excluding a column is the user's decision.
/// </summary>
public static class LeakageScan
{
    public const double AloneThreshold = 0.9;
    public const double DropThreshold = 0.05;

    // Numbers are cut into at most this many quantile bins; each bin (and "missing") is one value.
    private const int NumericBins = 20;

    // Prior strength of the smoothed per-value rate: a value seen a handful of times says little.
    private const double Smoothing = 20;

    /// <summary>Every column's AUC alone: its values (numbers binned by quantile) replaced by the positive rate of that value in the other folds.</summary>
    public static IReadOnlyList<ColumnLeakage> SingleColumn(LabeledTable data, int folds = 5, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(data);
        var splits = Backtester.StratifiedFolds(data.Labels, folds, seed);
        return [.. data.Features.Columns
            .Select(column =>
            {
                var auc = OutOfFoldAuc(Keys(column), data.Labels, splits);
                return new ColumnLeakage(column.Name, auc, null, auc > AloneThreshold, auc > AloneThreshold ? $"alone it predicts the label with AUC {auc:0.000} > {AloneThreshold}" : null);
            })
            .OrderByDescending(c => c.AucAlone)];
    }

    /// <summary>
    /// <see cref="SingleColumn"/>, then for the <paramref name="candidates"/> strongest columns the AUC lost on a
    /// stratified 20 % holdout when the learner is trained without each (one model with all columns, one per candidate).
    /// </summary>
    public static IReadOnlyList<ColumnLeakage> Scan(LabeledTable data, TabularLearner learner, int candidates = 3, int seed = 1, IProgress<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(learner);
        var alone = SingleColumn(data, seed: seed).ToList();
        if (data.Features.Columns.Count < 2 || candidates < 1)
        {
            return alone;
        }

        var (train, test) = Backtester.StratifiedFolds(data.Labels, 5, seed)[0];
        var trainData = data.Subset(train);
        var testData = data.Subset(test);
        progress?.Report($"leakage scan: training with all columns on {train.Count:N0} rows");
        var full = HoldoutAuc(learner, trainData, testData, cancellationToken);
        for (var k = 0; k < Math.Min(candidates, alone.Count); k++)
        {
            var column = alone[k];
            progress?.Report($"leakage scan: training without '{column.Column}'");
            var without = HoldoutAuc(learner, trainData.Without([column.Column]), testData.Without([column.Column]), cancellationToken);
            var drop = full - without;
            var dominant = drop > DropThreshold;
            var reason = column.Reason ?? (dominant ? $"the model leans on it: it loses {drop:0.000} AUC without it (> {DropThreshold})" : null);
            alone[k] = column with { AucDrop = drop, Dominant = dominant, Reason = reason };
        }

        return alone;
    }

    private static double HoldoutAuc(TabularLearner learner, LabeledTable train, LabeledTable test, CancellationToken cancellationToken) =>
        BinaryMetrics.Auc(test.Labels, learner.Train(train, cancellationToken).PredictProbabilities(test.Features));

    private static string[] Keys(FeatureColumn column)
    {
        if (column.Kind != FeatureKind.Numeric)
        {
            return [.. Enumerable.Range(0, column.Count).Select(r => column.IsMissing(r) ? "\0missing" : column.Display(r))];
        }

        // Bin edges come from the values alone, never the label, so computing them on all rows leaks nothing.
        var sorted = Enumerable.Range(0, column.Count).Select(column.Number).Where(v => !double.IsNaN(v)).Order().ToArray();
        var edges = sorted.Length == 0
            ? []
            : Enumerable.Range(1, NumericBins - 1).Select(b => sorted[(int)((long)b * (sorted.Length - 1) / NumericBins)]).Distinct().ToArray();
        return [.. Enumerable.Range(0, column.Count).Select(r =>
        {
            var v = column.Number(r);
            if (double.IsNaN(v)) return "\0missing";
            var bin = Array.BinarySearch(edges, v);
            return (bin < 0 ? ~bin : bin).ToString(System.Globalization.CultureInfo.InvariantCulture);
        })];
    }

    private static double OutOfFoldAuc(string[] keys, IReadOnlyList<bool> labels, List<(List<int> Train, List<int> Test)> splits)
    {
        var scores = new double[labels.Count];
        foreach (var (train, test) in splits)
        {
            var counts = new Dictionary<string, (double Positives, double Rows)>(StringComparer.Ordinal);
            double positives = 0;
            foreach (var i in train)
            {
                var (p, n) = counts.GetValueOrDefault(keys[i]);
                counts[keys[i]] = (p + (labels[i] ? 1 : 0), n + 1);
                positives += labels[i] ? 1 : 0;
            }

            var baseRate = positives / train.Count;
            foreach (var i in test)
            {
                var (p, n) = counts.GetValueOrDefault(keys[i]);
                scores[i] = (p + Smoothing * baseRate) / (n + Smoothing);
            }
        }

        return BinaryMetrics.Auc(labels, scores);
    }
}
