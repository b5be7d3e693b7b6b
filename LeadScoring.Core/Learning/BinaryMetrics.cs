namespace LeadScoring.Core.Learning;

/// <summary>A two-sided confidence interval.</summary>
public sealed record MetricInterval(double Low, double High);

/// <summary>One tenth of the rows, ranked by score (decile 1 = highest scores), and how it converts against the base rate.</summary>
public sealed record LiftDecile(int Decile, int Rows, int Positives, double MeanProbability, double PositiveRate, double Lift);

/// <summary>One probability bin (equal-width, or equal-count by rank): what was predicted on average and what happened.</summary>
public sealed record CalibrationBin(double Low, double High, int Rows, double MeanPredicted, double ObservedRate);

/// <summary>A point of the ROC curve.</summary>
public sealed record RocPoint(double FalsePositiveRate, double TruePositiveRate);

/// <summary>How well probabilities rank and how honest they are, on one evaluation set.</summary>
public sealed record ModelMetrics(
    int Rows,
    int Positives,
    double Auc,
    MetricInterval AucInterval,
    double PrAuc,
    double LogLoss,
    double Ece,
    double LiftAt10Percent,
    IReadOnlyList<LiftDecile> Deciles,
    IReadOnlyList<CalibrationBin> Calibration,
    IReadOnlyList<RocPoint> Roc,
    IReadOnlyList<CalibrationBin>? CalibrationByRank = null);

/// <summary>
/// Binary-classification metrics. AUC counts ties as half (Mann–Whitney); PR-AUC is average precision (precision at
/// each recall step, tied scores taken together); log loss clips probabilities to [1e-15, 1 − 1e-15]; ECE is the
/// row-weighted mean |mean predicted − observed rate| over 10 equal-width bins of [0, 1] (p = 1 falls in the last);
/// lift of a decile is its positive rate over the overall rate, lift@10 % that of the top decile.
/// </summary>
public static class BinaryMetrics
{
    /// <summary>All metrics, the AUC with a percentile bootstrap interval.</summary>
    public static ModelMetrics Evaluate(IReadOnlyList<bool> labels, IReadOnlyList<double> probabilities, int bootstrapResamples = 1000, int seed = 1)
    {
        Check(labels, probabilities);
        var (ece, bins) = Calibration(labels, probabilities);
        var deciles = LiftByDecile(labels, probabilities);
        return new ModelMetrics(
            labels.Count,
            labels.Count(l => l),
            Auc(labels, probabilities),
            AucInterval(labels, probabilities, bootstrapResamples, 0.95, seed),
            AveragePrecision(labels, probabilities),
            LogLoss(labels, probabilities),
            ece,
            deciles[0].Lift,
            deciles,
            bins,
            Roc(labels, probabilities),
            CalibrationByRank(labels, probabilities));
    }

    /// <summary>
    /// Calibration over equal-count bins: rows ranked by probability and cut into <paramref name="binCount"/> groups of
    /// near-equal size (fewer when there are fewer rows), each with the range of its probabilities. For plotting: with
    /// probabilities bunched low, equal-width bins leave most bins empty or of a handful of rows, and every point of
    /// these bins rests on the same number of rows. ECE stays on equal-width bins (<see cref="Calibration"/>).
    /// </summary>
    public static IReadOnlyList<CalibrationBin> CalibrationByRank(IReadOnlyList<bool> labels, IReadOnlyList<double> probabilities, int binCount = 10)
    {
        Check(labels, probabilities);
        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 1);
        var order = Enumerable.Range(0, labels.Count).OrderBy(i => probabilities[i]).ThenBy(i => i).ToArray();
        var groups = Math.Min(binCount, labels.Count);
        var bins = new List<CalibrationBin>(groups);
        for (var g = 0; g < groups; g++)
        {
            var rows = order[(int)((long)g * order.Length / groups)..(int)((long)(g + 1) * order.Length / groups)];
            var predicted = rows.Select(i => Math.Clamp(probabilities[i], 0, 1)).ToList();
            bins.Add(new CalibrationBin(predicted.Min(), predicted.Max(), rows.Length, predicted.Average(), rows.Count(i => labels[i]) / (double)rows.Length));
        }

        return bins;
    }

    public static double Auc(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        Check(labels, scores);
        var order = Ascending(scores);
        var weights = Enumerable.Repeat(1, labels.Count).ToArray();
        return WeightedAuc(labels, scores, order, weights);
    }

    /// <summary>Percentile bootstrap interval of the AUC: rows are resampled with replacement, the scores sorted once.</summary>
    public static MetricInterval AucInterval(IReadOnlyList<bool> labels, IReadOnlyList<double> scores, int resamples = 1000, double level = 0.95, int seed = 1)
    {
        Check(labels, scores);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 10);
        var order = Ascending(scores);
        var random = new Random(seed);
        var counts = new int[labels.Count];
        var aucs = new List<double>(resamples);
        for (var b = 0; b < resamples; b++)
        {
            Array.Clear(counts);
            for (var i = 0; i < counts.Length; i++)
            {
                counts[random.Next(counts.Length)]++;
            }

            var auc = WeightedAuc(labels, scores, order, counts);
            if (!double.IsNaN(auc))
            {
                aucs.Add(auc);
            }
        }

        aucs.Sort();
        var tail = (1 - level) / 2;
        return new MetricInterval(Quantile(aucs, tail), Quantile(aucs, 1 - tail));
    }

    /// <summary>
    /// Mean over folds of AUC(candidate) − AUC(baseline) on the same rows, with a paired percentile bootstrap
    /// interval: each resample redraws every fold's rows with replacement (the same rows for both scorers), so what
    /// the two share cancels and only their difference is left to chance. Resamples with one class in a fold are dropped.
    /// </summary>
    public static (double Difference, MetricInterval Interval) PairedAucDifference(
        IReadOnlyList<(IReadOnlyList<bool> Labels, IReadOnlyList<double> Candidate, IReadOnlyList<double> Baseline)> folds,
        int resamples = 1000, double level = 0.95, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(folds);
        ArgumentOutOfRangeException.ThrowIfZero(folds.Count);
        ArgumentOutOfRangeException.ThrowIfLessThan(resamples, 10);
        var prepared = folds.Select(f =>
        {
            Check(f.Labels, f.Candidate);
            Check(f.Labels, f.Baseline);
            return (f.Labels, f.Candidate, f.Baseline, CandidateOrder: Ascending(f.Candidate), BaselineOrder: Ascending(f.Baseline), Counts: new int[f.Labels.Count]);
        }).ToArray();
        var difference = prepared.Average(f => Auc(f.Labels, f.Candidate) - Auc(f.Labels, f.Baseline));
        var random = new Random(seed);
        var differences = new List<double>(resamples);
        for (var b = 0; b < resamples; b++)
        {
            double sum = 0;
            foreach (var f in prepared)
            {
                Array.Clear(f.Counts);
                for (var i = 0; i < f.Counts.Length; i++)
                {
                    f.Counts[random.Next(f.Counts.Length)]++;
                }

                sum += WeightedAuc(f.Labels, f.Candidate, f.CandidateOrder, f.Counts) - WeightedAuc(f.Labels, f.Baseline, f.BaselineOrder, f.Counts);
            }

            if (!double.IsNaN(sum))
            {
                differences.Add(sum / prepared.Length);
            }
        }

        differences.Sort();
        var tail = (1 - level) / 2;
        return (difference, new MetricInterval(Quantile(differences, tail), Quantile(differences, 1 - tail)));
    }

    public static double AveragePrecision(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        Check(labels, scores);
        var totalPositives = labels.Count(l => l);
        if (totalPositives == 0)
        {
            return double.NaN;
        }

        var order = Ascending(scores);
        double truePositives = 0, seen = 0, sum = 0;
        for (var end = order.Length; end > 0;)
        {
            // One tie group at a time, from the highest score down: a threshold cannot split tied rows.
            var start = end - 1;
            while (start > 0 && scores[order[start - 1]] == scores[order[end - 1]])
            {
                start--;
            }

            var groupPositives = 0;
            for (var k = start; k < end; k++)
            {
                groupPositives += labels[order[k]] ? 1 : 0;
            }

            truePositives += groupPositives;
            seen += end - start;
            sum += groupPositives / (double)totalPositives * (truePositives / seen);
            end = start;
        }

        return sum;
    }

    public static double LogLoss(IReadOnlyList<bool> labels, IReadOnlyList<double> probabilities)
    {
        Check(labels, probabilities);
        const double Epsilon = 1e-15;
        double sum = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            var p = Math.Clamp(probabilities[i], Epsilon, 1 - Epsilon);
            sum -= labels[i] ? Math.Log(p) : Math.Log(1 - p);
        }

        return sum / labels.Count;
    }

    /// <summary>Expected calibration error over equal-width bins, and the bins (empty ones included, with NaN means).</summary>
    public static (double Ece, IReadOnlyList<CalibrationBin> Bins) Calibration(IReadOnlyList<bool> labels, IReadOnlyList<double> probabilities, int binCount = 10)
    {
        Check(labels, probabilities);
        ArgumentOutOfRangeException.ThrowIfLessThan(binCount, 1);
        var rows = new int[binCount];
        var predicted = new double[binCount];
        var positives = new double[binCount];
        for (var i = 0; i < labels.Count; i++)
        {
            var p = Math.Clamp(probabilities[i], 0, 1);
            var b = Math.Min((int)(p * binCount), binCount - 1);
            rows[b]++;
            predicted[b] += p;
            positives[b] += labels[i] ? 1 : 0;
        }

        var bins = new List<CalibrationBin>(binCount);
        double ece = 0;
        for (var b = 0; b < binCount; b++)
        {
            var meanPredicted = rows[b] == 0 ? double.NaN : predicted[b] / rows[b];
            var observed = rows[b] == 0 ? double.NaN : positives[b] / rows[b];
            bins.Add(new CalibrationBin(b / (double)binCount, (b + 1) / (double)binCount, rows[b], meanPredicted, observed));
            if (rows[b] > 0)
            {
                ece += rows[b] / (double)labels.Count * Math.Abs(meanPredicted - observed);
            }
        }

        return (ece, bins);
    }

    /// <summary>Rows ranked by score (highest first, ties by row order) cut into groups of near-equal size.</summary>
    public static IReadOnlyList<LiftDecile> LiftByDecile(IReadOnlyList<bool> labels, IReadOnlyList<double> scores, int groups = 10)
    {
        Check(labels, scores);
        ArgumentOutOfRangeException.ThrowIfLessThan(groups, 1);
        var order = Enumerable.Range(0, labels.Count).OrderByDescending(i => scores[i]).ThenBy(i => i).ToArray();
        var baseRate = labels.Count(l => l) / (double)labels.Count;
        var result = new List<LiftDecile>(groups);
        for (var g = 0; g < groups; g++)
        {
            var start = (int)((long)g * labels.Count / groups);
            var end = (int)((long)(g + 1) * labels.Count / groups);
            var n = end - start;
            var pos = 0;
            double sumP = 0;
            for (var k = start; k < end; k++)
            {
                pos += labels[order[k]] ? 1 : 0;
                sumP += scores[order[k]];
            }

            var rate = n == 0 ? double.NaN : pos / (double)n;
            result.Add(new LiftDecile(g + 1, n, pos, n == 0 ? double.NaN : sumP / n, rate, baseRate == 0 ? double.NaN : rate / baseRate));
        }

        return result;
    }

    /// <summary>The ROC curve from (0,0) to (1,1), one point per distinct score.</summary>
    public static IReadOnlyList<RocPoint> Roc(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        Check(labels, scores);
        var order = Ascending(scores);
        double positives = labels.Count(l => l), negatives = labels.Count - positives;
        var points = new List<RocPoint> { new(0, 0) };
        double tp = 0, fp = 0;
        for (var end = order.Length; end > 0;)
        {
            var start = end - 1;
            while (start > 0 && scores[order[start - 1]] == scores[order[end - 1]])
            {
                start--;
            }

            for (var k = start; k < end; k++)
            {
                if (labels[order[k]]) tp++; else fp++;
            }

            points.Add(new RocPoint(negatives == 0 ? 0 : fp / negatives, positives == 0 ? 0 : tp / positives));
            end = start;
        }

        return points;
    }

    // Mann–Whitney over rows sorted ascending, each row counted weights[i] times; ties count one half.
    private static double WeightedAuc(IReadOnlyList<bool> labels, IReadOnlyList<double> scores, int[] order, int[] weights)
    {
        double negativesBelow = 0, pairs = 0, positives = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start + 1;
            while (end < order.Length && scores[order[end]] == scores[order[start]])
            {
                end++;
            }

            double groupPositives = 0, groupNegatives = 0;
            for (var k = start; k < end; k++)
            {
                var i = order[k];
                if (labels[i]) groupPositives += weights[i]; else groupNegatives += weights[i];
            }

            pairs += groupPositives * (negativesBelow + 0.5 * groupNegatives);
            negativesBelow += groupNegatives;
            positives += groupPositives;
            start = end;
        }

        return positives == 0 || negativesBelow == 0 ? double.NaN : pairs / (positives * negativesBelow);
    }

    private static int[] Ascending(IReadOnlyList<double> scores)
    {
        var order = Enumerable.Range(0, scores.Count).ToArray();
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        return order;
    }

    private static double Quantile(List<double> sorted, double q)
    {
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var position = q * (sorted.Count - 1);
        var low = (int)Math.Floor(position);
        var high = Math.Min(low + 1, sorted.Count - 1);
        return sorted[low] + (position - low) * (sorted[high] - sorted[low]);
    }

    private static void Check(IReadOnlyList<bool> labels, IReadOnlyList<double> scores)
    {
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentNullException.ThrowIfNull(scores);
        if (labels.Count != scores.Count)
        {
            throw new ArgumentException($"{labels.Count} labels but {scores.Count} scores", nameof(scores));
        }

        if (labels.Count == 0)
        {
            throw new ArgumentException("no rows to evaluate", nameof(labels));
        }
    }
}
