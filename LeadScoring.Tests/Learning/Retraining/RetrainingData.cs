using LeadScoring.Core.Learning;
using LeadScoring.Core.Learning.Retraining;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Learning.Retraining;

/// <summary>Synthetic labelled leads whose conversion depends on engagement (and a little on fit), from a seed.</summary>
internal static class RetrainingData
{
    public static readonly DateTimeOffset Start = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    public static List<LabeledExample> Examples(int count, int seed = 1)
    {
        var random = new Random(seed);
        var examples = new List<LabeledExample>(count);
        for (var i = 0; i < count; i++)
        {
            var engagement = random.NextDouble() * 100;
            var fit = random.NextDouble() * 100;
            var logit = -4 + (engagement / 18) + (fit / 100);
            var label = random.NextDouble() < 1 / (1 + Math.Exp(-logit));
            var at = Start.AddHours(i);
            var features = new LeadFeatures { Industry = i % 3 == 0 ? "COMPUTER_SOFTWARE" : "RETAIL", EmailOpens = (int)(engagement / 10), AsOf = at };
            examples.Add(new LabeledExample($"{1000 + i}", at, new LeadSnapshot(features, fit, engagement, 50, random.NextDouble() * 100, at), label, 1, ExampleSource.Outcome, (0.3 * fit) + (0.3 * engagement) + 25));
        }

        return examples;
    }

    public static TrainedModel Train(IReadOnlyList<LabeledExample> examples) =>
        new TabularLearner(Retrainer.LearnerOptionsFor(examples.Count)).Train(
            new LabeledTable(LeadSnapshotTable.Build([.. examples.Select(e => e.Snapshot)]), [.. examples.Select(e => e.Label)]));
}
