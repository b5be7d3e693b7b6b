using LeadScoring.Core.Learning;
using LeadScoring.Core.Learning.Retraining;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Learning.Retraining;

[TestFixture]
public sealed class PromotionAndWeightsTests
{
    [TestCase(0.75, 0.70, 0.03, true, "promoted")]
    [TestCase(0.695, 0.70, 0.03, true, "promoted")]
    [TestCase(0.694, 0.70, 0.03, false, "worse by more than 0.005")]
    [TestCase(0.80, 0.70, 0.051, false, "calibration error 0.051 > 0.050")]
    [TestCase(0.60, 0.70, 0.08, false, "and calibration error")]
    public void Policy_PromotesOnlyANotWorseAndCalibratedCandidate(double auc, double baselineAuc, double ece, bool promote, string reason)
    {
        var (promoted, why) = new PromotionPolicy().Decide(Metrics(auc, ece), baselineAuc, "model m1");

        Assert.That(promoted, Is.EqualTo(promote));
        Assert.That(why, Does.Contain(reason).And.Contain("model m1"));
    }

    [Test]
    public void WeightRefit_SignalInEngagement_MovesWeightThereWithinTheBand()
    {
        var examples = RetrainingData.Examples(800);
        var refit = ComponentWeightFitter.Fit(examples.Take(600).ToList(), examples.Skip(600).ToList(), ComponentWeights.Default, band: 0.10);

        var w = refit.New;
        Assert.That(refit.Kept, Is.True, refit.Why);
        Assert.That(w.Fit + w.Engagement + w.Outcome + w.Recency, Is.EqualTo(1).Within(1e-9));
        Assert.That(w.Engagement, Is.EqualTo(0.40).Within(1e-9), "as far toward engagement as the band allows");
        Assert.That(new[] { w.Fit - 0.30, w.Engagement - 0.30, w.Outcome - 0.20, w.Recency - 0.20 }.Select(Math.Abs), Is.All.LessThanOrEqualTo(0.10 + 1e-9));
        Assert.That(refit.NewHeldOutAuc, Is.GreaterThan(refit.OldHeldOutAuc));
    }

    [Test]
    public void WeightRefit_ZeroBand_KeepsTheDefaults()
    {
        var examples = RetrainingData.Examples(200);
        var refit = ComponentWeightFitter.Fit(examples.Take(150).ToList(), examples.Skip(150).ToList(), ComponentWeights.Default, band: 0);

        Assert.That(refit.Kept, Is.False);
        Assert.That(refit.New, Is.EqualTo(ComponentWeights.Default));
    }

    private static ModelMetrics Metrics(double auc, double ece) =>
        new(100, 10, auc, new MetricInterval(auc - 0.05, auc + 0.05), 0.3, 0.3, ece, 2, [], [], []);
}
