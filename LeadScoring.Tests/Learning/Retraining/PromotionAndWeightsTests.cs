using LeadScoring.Core.Learning;
using LeadScoring.Core.Learning.Retraining;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Learning.Retraining;

[TestFixture]
public sealed class PromotionAndWeightsTests
{
    [Test]
    public void Policy_CandidateEqualToTheBaselineUpToNoise_IsPromoted()
    {
        var folds = Folds(rows: 400, candidateNoise: 0.3, baselineNoise: 0.3, seed: 1);

        var decision = Decide(folds, Calibration(folds));

        TestContext.Out.WriteLine(decision.Reason);
        Assert.That(decision.Interval.Low, Is.LessThan(0).And.GreaterThanOrEqualTo(-decision.Margin), "noise on both sides of zero, within the margin");
        Assert.That(decision.Interval.High, Is.GreaterThan(0));
        Assert.That((decision.Verdict, decision.Promote), Is.EqualTo((PromotionVerdict.NotWorse, true)));
        Assert.That(decision.Reason, Does.StartWith("promoted: not worse than model m1 beyond 0.020 with 95 % confidence").And.Contain("95 % interval"));
    }

    [Test]
    public void Policy_CrediblyWorseCandidate_IsRefusedAndSaysSo()
    {
        var folds = Folds(rows: 400, candidateNoise: 1.5, baselineNoise: 0.3, seed: 2);

        var decision = Decide(folds, Calibration(folds));

        TestContext.Out.WriteLine(decision.Reason);
        Assert.That(decision.Interval.High, Is.LessThan(0));
        Assert.That(decision.Verdict, Is.EqualTo(PromotionVerdict.CrediblyWorse));
        Assert.That(decision.Reason, Does.StartWith("refused: credibly worse than model m1").And.Contain("model m1 stays in use"));
    }

    [Test]
    public void Policy_TooFewRecentOutcomesToTell_RefusesAsInconclusive()
    {
        var folds = Folds(rows: 40, candidateNoise: 0.3, baselineNoise: 0.3, seed: 3);

        var decision = Decide(folds, Calibration(folds));

        TestContext.Out.WriteLine(decision.Reason);
        Assert.That(decision.Interval.Low, Is.LessThan(-decision.Margin));
        Assert.That(decision.Interval.High, Is.GreaterThanOrEqualTo(0));
        Assert.That(decision.Verdict, Is.EqualTo(PromotionVerdict.Inconclusive));
        Assert.That(decision.Reason, Does.StartWith("refused: can't tell yet that it is not worse than model m1 by more than 0.020"));
    }

    [Test]
    public void Policy_GoodRankingBadCalibration_IsRecalibratedOnRecentOutcomesAndThenJudged()
    {
        // The candidate ranks like the baseline but its probabilities are far too high (as when the base rate moved).
        var folds = Folds(rows: 400, candidateNoise: 0.3, baselineNoise: 0.3, seed: 4, candidateShift: 2.5);
        var newest = folds[^1];
        var raw = newest.Candidate.Select(p => Math.Log(p / (1 - p))).ToList();

        var check = Recalibration.Check(raw, newest.Candidate, newest.Labels);
        var decision = Decide(folds, check);

        TestContext.Out.WriteLine(decision.Reason);
        Assert.That(check.EceBefore, Is.GreaterThan(0.2), "miscalibrated as trained");
        Assert.That(check.EceAfter, Is.LessThan(new PromotionPolicy().MaxEce), "calibrated once refitted on the recent outcomes");
        Assert.That(decision.Verdict, Is.EqualTo(PromotionVerdict.NotWorse));
        Assert.That(decision.Reason, Does.Contain($"after recalibrating on the {newest.Labels.Count} most recent outcomes").And.Contain($"({check.EceBefore:0.000} before"));
    }

    [Test]
    public void Policy_AnchoredCandidateWhoseTreesLearnedNothing_IsRefusedThoughItRanksAsTheRulesDo()
    {
        // A candidate that starts from the rules ties the baseline by luck when its training labels carry no signal.
        var folds = Folds(rows: 400, candidateNoise: 0.3, baselineNoise: 0.3, seed: 1);
        var anchor = new ModelAnchor("ruleTotal", 50, -2, 0.05, 0, TreesOutOfFoldAuc: 0.54, Positives: 12, Negatives: 358);

        var decision = new PromotionPolicy().Decide(folds, Calibration(folds), "model m1", anchor);

        TestContext.Out.WriteLine(decision.Reason);
        Assert.That(anchor.ChanceLimit, Is.EqualTo(0.5 + (1.96 * Math.Sqrt(371 / (12.0 * 12 * 358)))).Within(1e-12));
        Assert.That((decision.Verdict, decision.Promote), Is.EqualTo((PromotionVerdict.NoSignal, false)));
        Assert.That(decision.Reason, Does.StartWith("refused: learned nothing from its 370 training outcomes").And.Contain("out-of-fold AUC 0.540").And.Contain("model m1 stays in use"));
    }

    [Test]
    public void Policy_AnchoredCandidateWhoseTreesLearned_IsJudgedAsAnyOther()
    {
        var folds = Folds(rows: 400, candidateNoise: 0.3, baselineNoise: 0.3, seed: 1);
        var anchor = new ModelAnchor("ruleTotal", 50, -2, 0.05, 0.4, TreesOutOfFoldAuc: 0.80, Positives: 12, Negatives: 358);

        var decision = new PromotionPolicy().Decide(folds, Calibration(folds), "model m1", anchor);

        Assert.That(decision.Verdict, Is.EqualTo(PromotionVerdict.NotWorse));
    }

    [Test]
    public void Policy_StillMiscalibratedAfterRecalibration_IsRefusedForItsProbabilities()
    {
        var folds = Folds(rows: 400, candidateNoise: 0.3, baselineNoise: 0.3, seed: 1);

        var decision = Decide(folds, new CalibrationCheck(0.30, 0.20, 0.03, 400));

        Assert.That(decision.Verdict, Is.EqualTo(PromotionVerdict.Miscalibrated));
        Assert.That(decision.Reason, Does.StartWith("refused: ranks as well as model m1").And.Contain("calibration error 0.200").And.Contain("accepted up to 0.050"));
    }

    [Test]
    public void Recalibration_ChanceBound_ShrinksWithRows()
    {
        var few = Recalibration.ChanceBound([.. Enumerable.Repeat(0.2, 50)]);
        var many = Recalibration.ChanceBound([.. Enumerable.Repeat(0.2, 5000)]);

        // One bin: the error is |observed − 0.2|, whose 95th percentile at n = 50 is about two standard errors.
        Assert.That(few, Is.EqualTo(2 * Math.Sqrt(0.2 * 0.8 / 50)).Within(0.03));
        Assert.That(many, Is.LessThan(few / 5));
    }

    private static PromotionDecision Decide(IReadOnlyList<EvaluationFold> folds, CalibrationCheck check) =>
        new PromotionPolicy().Decide(folds, check, "model m1");

    private static CalibrationCheck Calibration(IReadOnlyList<EvaluationFold> folds)
    {
        var newest = folds[^1];
        return Recalibration.Check([.. newest.Candidate.Select(p => Math.Log(p / (1 - p)))], newest.Candidate, newest.Labels);
    }

    /// <summary>Three folds of leads with a hidden quality z; each scorer sees z plus its own noise (probabilities on the labels' scale, shifted for the candidate).</summary>
    private static List<EvaluationFold> Folds(int rows, double candidateNoise, double baselineNoise, int seed, double candidateShift = 0)
    {
        var random = new Random(seed);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        double Logistic(double x) => 1 / (1 + Math.Exp(-x));
        var folds = new List<EvaluationFold>();
        for (var f = 0; f < 3; f++)
        {
            var labels = new List<bool>();
            var candidate = new List<double>();
            var baseline = new List<double>();
            for (var i = 0; i < rows; i++)
            {
                var z = Normal();
                labels.Add(random.NextDouble() < Logistic(-1.2 + (1.5 * z)));
                candidate.Add(Logistic(-1.2 + (1.5 * (z + (candidateNoise * Normal()))) + candidateShift));
                baseline.Add(Logistic(-1.2 + (1.5 * (z + (baselineNoise * Normal())))));
            }

            folds.Add(new EvaluationFold(labels, candidate, baseline));
        }

        return folds;
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

}
