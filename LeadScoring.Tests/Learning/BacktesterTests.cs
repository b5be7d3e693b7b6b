using LeadScoring.Core.Learning;

namespace LeadScoring.Tests.Learning;

public sealed class BacktesterTests
{
    [Test]
    public void StratifiedFolds_EveryRowIsTestedOnceAndNeverTrainedOnInItsFold()
    {
        var labels = Enumerable.Range(0, 103).Select(i => i % 7 == 0).ToArray();

        var folds = Backtester.StratifiedFolds(labels, 5, seed: 3);

        Assert.That(folds.SelectMany(f => f.Test).Order(), Is.EqualTo(Enumerable.Range(0, 103)));
        Assert.That(folds, Has.All.Matches<(List<int> Train, List<int> Test)>(f => !f.Train.Intersect(f.Test).Any() && f.Train.Count + f.Test.Count == 103));
        var positivesPerFold = folds.Select(f => f.Test.Count(i => labels[i])).ToList();
        Assert.That(positivesPerFold.Max() - positivesPerFold.Min(), Is.LessThanOrEqualTo(1));
    }

    [Test]
    public void Chronological_TrainsOnTheFirstRowsAndTestsOnTheLast()
    {
        var (train, test) = Backtester.Chronological(10, 0.2).Single();

        Assert.That(train, Is.EqualTo(Enumerable.Range(0, 8)));
        Assert.That(test, Is.EqualTo(new[] { 8, 9 }));
    }

    [Test]
    public void Run_RandomSplit_PredictsEveryRowOnceAndReportsEachFold()
    {
        var (data, _) = SyntheticLeads.Create(1_500, seed: 21);
        var progress = new List<string>();

        var result = new Backtester(SyntheticLeads.FastLearner()).Run(data, new BacktestOptions { Folds = 3, BootstrapResamples = 50 }, new SyncProgress(progress));

        Assert.That(result.Probabilities, Has.Count.EqualTo(1_500));
        Assert.That(result.Labels.Count(l => l), Is.EqualTo(data.Positives));
        Assert.That(result.Folds.Select(f => f.TestRows).Sum(), Is.EqualTo(1_500));
        Assert.That(result.Metrics.Auc, Is.GreaterThan(0.7));
        Assert.That(progress, Has.Some.StartsWith("fold 3/3: AUC"));
    }

    [Test]
    public void Run_Cancelled_StopsBeforeTraining()
    {
        var (data, _) = SyntheticLeads.Create(500, seed: 22);
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();

        Assert.That(
            () => new Backtester(SyntheticLeads.FastLearner()).Run(data, new BacktestOptions(), cancellationToken: cancel.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    private sealed class SyncProgress(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }
}
