using LeadScoring.Core.Learning;

namespace LeadScoring.Tests.Learning;

public sealed class BinaryMetricsTests
{
    [Test]
    public void Auc_FourRows_CountsOrderedPairs()
    {
        // Positives 0.9 and 0.4, negatives 0.8 and 0.3: 3 of the 4 positive–negative pairs are ordered right.
        var auc = BinaryMetrics.Auc([true, false, true, false], [0.9, 0.8, 0.4, 0.3]);

        Assert.That(auc, Is.EqualTo(0.75).Within(1e-12));
    }

    [Test]
    public void Auc_TiedScores_CountHalf()
    {
        // Positive 0.5 vs negatives 0.5 (tie, ½) and 0.2 (1): (½ + 1) / 2.
        var auc = BinaryMetrics.Auc([true, false, false], [0.5, 0.5, 0.2]);

        Assert.That(auc, Is.EqualTo(0.75).Within(1e-12));
    }

    [Test]
    public void AucInterval_NoisyScores_ContainsTheAucAndNarrowsWithMoreRows()
    {
        var (small, smallScores) = Noisy(400);
        var (large, largeScores) = Noisy(10_000);

        var smallInterval = BinaryMetrics.AucInterval(small, smallScores, 300);
        var largeInterval = BinaryMetrics.AucInterval(large, largeScores, 300);

        Assert.That(BinaryMetrics.Auc(small, smallScores), Is.InRange(smallInterval.Low, smallInterval.High));
        Assert.That(BinaryMetrics.Auc(large, largeScores), Is.InRange(largeInterval.Low, largeInterval.High));
        Assert.That(largeInterval.High - largeInterval.Low, Is.LessThan((smallInterval.High - smallInterval.Low) / 2));
    }

    [Test]
    public void AveragePrecision_HandExample_AveragesPrecisionAtEachPositive()
    {
        // Ranked: +, −, +, −: precision 1/1 at the first positive, 2/3 at the second.
        var ap = BinaryMetrics.AveragePrecision([true, false, true, false], [0.9, 0.8, 0.7, 0.1]);

        Assert.That(ap, Is.EqualTo((1 + 2.0 / 3) / 2).Within(1e-12));
    }

    [Test]
    public void LogLoss_HandExample_IsMeanNegativeLogLikelihood()
    {
        var loss = BinaryMetrics.LogLoss([true, false], [0.8, 0.4]);

        Assert.That(loss, Is.EqualTo(-(Math.Log(0.8) + Math.Log(0.6)) / 2).Within(1e-12));
    }

    [Test]
    public void LogLoss_CertainAndWrong_IsFiniteThanksToClipping()
    {
        var loss = BinaryMetrics.LogLoss([true], [0.0]);

        Assert.That(loss, Is.EqualTo(-Math.Log(1e-15)).Within(1e-9));
    }

    [Test]
    public void Calibration_TwoBins_WeighsGapsByRows()
    {
        // Bin 0: predicted 0.05, observed 0 (gap 0.05, half the rows); bin 9: predicted 0.95, observed 0.5 (gap 0.45, half).
        var (ece, bins) = BinaryMetrics.Calibration([false, false, true, false], [0.05, 0.05, 0.95, 0.95]);

        Assert.That(ece, Is.EqualTo(0.5 * 0.05 + 0.5 * 0.45).Within(1e-12));
        Assert.That(bins, Has.Count.EqualTo(10));
        Assert.That(bins[9].ObservedRate, Is.EqualTo(0.5));
        Assert.That(bins[5].Rows, Is.Zero);
    }

    [Test]
    public void CalibrationByRank_BunchedLowProbabilities_EqualCountBinsWithTheirRanges()
    {
        // 100 rows, 90 of them predicted under 0.1: equal-width bins would put 90 rows in one bin and leave most empty.
        var probabilities = Enumerable.Range(0, 100).Select(i => i < 90 ? i / 1000.0 : 0.5 + (i / 1000.0)).ToArray();
        var labels = Enumerable.Range(0, 100).Select(i => i % 10 == 0 || i >= 95).ToArray();

        var bins = BinaryMetrics.CalibrationByRank(labels, probabilities);

        Assert.That(bins.Select(b => b.Rows), Is.All.EqualTo(10));
        Assert.That((bins[0].Low, bins[0].High, bins[0].ObservedRate), Is.EqualTo((0.0, 0.009, 0.1)));
        Assert.That(bins.Zip(bins.Skip(1)).All(p => p.First.High <= p.Second.Low), Is.True, "bins in order, not overlapping");
        Assert.That(BinaryMetrics.CalibrationByRank([true, false], [0.2, 0.8]), Has.Count.EqualTo(2), "never more bins than rows");
    }

    [Test]
    public void Calibration_ProbabilityOne_FallsInTheLastBin()
    {
        var (_, bins) = BinaryMetrics.Calibration([true], [1.0]);

        Assert.That(bins[9].Rows, Is.EqualTo(1));
    }

    [Test]
    public void LiftByDecile_TenRows_RatesOverBaseRate()
    {
        // Ranked by score, positives at ranks 1, 2 and 5; base rate 0.3; 5 groups of 2 rows.
        bool[] labels = [true, true, false, false, true, false, false, false, false, false];
        double[] scores = [10, 9, 8, 7, 6, 5, 4, 3, 2, 1];

        var groups = BinaryMetrics.LiftByDecile(labels, scores, 5);

        Assert.That(groups.Select(g => g.Positives), Is.EqualTo(new[] { 2, 0, 1, 0, 0 }));
        Assert.That(groups[0].Lift, Is.EqualTo(1.0 / 0.3).Within(1e-12));
        Assert.That(groups[2].Lift, Is.EqualTo(0.5 / 0.3).Within(1e-12));
    }

    [Test]
    public void Evaluate_LiftAt10Percent_IsTheTopDecile()
    {
        var (labels, scores) = Noisy(2_000);

        var metrics = BinaryMetrics.Evaluate(labels, scores, 100);

        Assert.That(metrics.LiftAt10Percent, Is.EqualTo(metrics.Deciles[0].Lift));
        Assert.That(metrics.Deciles.Sum(d => d.Rows), Is.EqualTo(2_000));
        Assert.That(metrics.Roc[0], Is.EqualTo(new RocPoint(0, 0)));
        Assert.That(metrics.Roc[^1], Is.EqualTo(new RocPoint(1, 1)));
    }

    private static (bool[] Labels, double[] Scores) Noisy(int rows)
    {
        var random = new Random(rows);
        var labels = Enumerable.Range(0, rows).Select(_ => random.NextDouble() < 0.3).ToArray();
        var scores = labels.Select(l => (l ? 0.6 : 0.0) + random.NextDouble()).ToArray();
        return (labels, scores);
    }
}
