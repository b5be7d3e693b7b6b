using LeadScoring.Core.Learning;
using LeadScoring.Core.Learning.Retraining;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Learning.Retraining;

[TestFixture]
public sealed class ModelExplanationTests
{
    [Test]
    public void Estimate_ALeadWithoutAValueTheModelLeansOn_NeverListsTheMissingColumnAsADriver()
    {
        // Leads with no sales-cycle figure convert far less often, so the trees give "missing" a strong push.
        var random = new Random(5);
        var examples = new List<LabeledExample>();
        for (var i = 0; i < 600; i++)
        {
            var known = random.NextDouble() < 0.6;
            var label = random.NextDouble() < (known ? 0.5 : 0.05);
            var at = RetrainingData.Start.AddHours(i);
            var features = new LeadFeatures { MedianSalesCycleDays = known ? 30 + random.Next(60) : null, EmailOpens = random.Next(5), AsOf = at };
            examples.Add(new LabeledExample($"{i}", at, new LeadSnapshot(features, 50, 50, 50, 50, at), label, 1, ExampleSource.Outcome, 50));
        }

        var model = RetrainingData.Train(examples);
        var lead = new LeadFeatures { EmailOpens = 2, AsOf = RetrainingData.Start };
        var components = new LeadScorer(ScoringProfile.Default, TimeProvider.System).Score(lead).Components;
        var raw = model.Explain(LeadSnapshotTable.Build([LeadSnapshot.From(lead, components, RetrainingData.Start)]))[0];
        var missing = raw.Contributions.Single(c => c.Column == "medianSalesCycleDays");
        Assert.That(missing.Known, Is.False);
        Assert.That(Math.Abs(missing.Contribution), Is.GreaterThan(0.1), "precondition: the trees push on the missing value");

        var active = new ActiveCloseModel();
        active.Use("m1", model, null, RetrainingData.Start);
        var estimate = active.Estimate(lead, components, RetrainingData.Start)!;

        Assert.That(estimate.Contributions.Select(c => c.Feature), Does.Not.Contain("medianSalesCycleDays"));
        Assert.That(estimate.Contributions, Is.Not.Empty);
        Assert.That(estimate.Contributions.Select(c => c.Value), Has.None.Empty, "every driver shown has a value");
    }
}
