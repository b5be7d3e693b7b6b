using LeadScoring.Core.Learning.Retraining;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Learning.Retraining;

[TestFixture]
public sealed class PointInTimeDatasetTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly PointInTimeRules Rules = new(TimeSpan.FromDays(90), 0.5);

    [Test]
    public void WonWithinTheWindow_IsPositive()
    {
        var examples = PointInTimeDataset.FromOutcomes([Scored("1", T0)], [new DealOutcome("1", T0.AddDays(30), Won: true)], Rules, T0.AddDays(40));

        Assert.That(examples.Single().Label, Is.True);
    }

    [Test]
    public void WonAfterTheWindow_WindowOver_IsNegative()
    {
        var examples = PointInTimeDataset.FromOutcomes([Scored("1", T0)], [new DealOutcome("1", T0.AddDays(120), Won: true)], Rules, T0.AddDays(100));

        Assert.That(examples.Single().Label, Is.False);
    }

    [Test]
    public void LostWithinTheWindow_IsNegativeAtOnce()
    {
        var examples = PointInTimeDataset.FromOutcomes([Scored("1", T0)], [new DealOutcome("1", T0.AddDays(5), Won: false)], Rules, T0.AddDays(6));

        Assert.That(examples.Single().Label, Is.False);
    }

    [Test]
    public void NothingYet_WindowStillOpen_IsLeftOut()
    {
        var examples = PointInTimeDataset.FromOutcomes([Scored("1", T0)], [], Rules, T0.AddDays(89));

        Assert.That(examples, Is.Empty);
    }

    [Test]
    public void NoDeals_WindowOver_IsNegative()
    {
        var examples = PointInTimeDataset.FromOutcomes([Scored("1", T0)], [], Rules, T0.AddDays(91));

        Assert.That(examples.Single().Label, Is.False);
    }

    [Test]
    public void ScoringRecordedAfterTheWin_NeverEnters_TheScoringBeforeItIsUsed()
    {
        var before = Scored("1", T0, lifecycle: "opportunity");
        var after = Scored("1", T0.AddDays(31), lifecycle: "customer"); // already shows the outcome
        var examples = PointInTimeDataset.FromOutcomes([before, after], [new DealOutcome("1", T0.AddDays(30), Won: true)], Rules, T0.AddDays(200));

        Assert.That(examples, Has.Count.EqualTo(1));
        Assert.That(examples[0].At, Is.EqualTo(T0));
        Assert.That(examples[0].Snapshot.Features.LifecycleStage, Is.EqualTo("opportunity"));
        Assert.That(examples[0].Label, Is.True);
    }

    [Test]
    public void SeveralScorings_OneExamplePerContact_DrawnFromTheLabelledOnes_TheSameOnARerun()
    {
        var history = new[] { Scored("1", T0), Scored("1", T0.AddDays(10)), Scored("1", T0.AddDays(95)) };
        var first = PointInTimeDataset.FromOutcomes(history, [], Rules, T0.AddDays(101));
        var again = PointInTimeDataset.FromOutcomes(history.Reverse(), [], Rules, T0.AddDays(101));

        Assert.That(first.Single().At, Is.AnyOf(T0, T0.AddDays(10)), "the scoring at day 95 has an open window; days 0 and 10 are over");
        Assert.That(again.Single().At, Is.EqualTo(first.Single().At));
    }

    [Test]
    public void ObservationPoints_CoverEveryStage_NotOnlyTheLastBeforeTheOutcome()
    {
        // 200 contacts, each scored on days 0, 10 and 20 and lost on day 25: each scoring is labelled, one is the example.
        var history = Enumerable.Range(1, 200).SelectMany(i => new[] { 0, 10, 20 }.Select(d => Scored($"c{i}", T0.AddDays(d)))).ToList();
        var lost = Enumerable.Range(1, 200).Select(i => new DealOutcome($"c{i}", T0.AddDays(25), Won: false)).ToList();
        var examples = PointInTimeDataset.FromOutcomes(history, lost, Rules, T0.AddDays(30));

        Assert.That(examples, Has.Count.EqualTo(200));
        var byDay = examples.GroupBy(e => (e.At - T0).TotalDays).ToDictionary(g => g.Key, g => g.Count());
        Assert.That(byDay.Keys, Is.EquivalentTo(new[] { 0d, 10d, 20d }));
        Assert.That(byDay.Values, Is.All.InRange(40, 95), "roughly a third each");
    }

    [Test]
    public void Examples_AreInTimeOrder()
    {
        var history = new[] { Scored("b", T0.AddDays(2)), Scored("a", T0.AddDays(1)), Scored("c", T0) };
        var examples = PointInTimeDataset.FromOutcomes(history, [], Rules, T0.AddDays(200));

        Assert.That(examples.Select(e => e.ContactId), Is.EqualTo(new[] { "c", "a", "b" }));
    }

    [Test]
    public void TrainingRecords_AreLabelledByClassificationAtTheirWeight()
    {
        var snapshot = Scored("x", T0).Snapshot;
        var examples = PointInTimeDataset.FromTrainingRecords([(snapshot, true, T0), (snapshot, false, T0)], Rules);

        Assert.That(examples.Select(e => e.Label), Is.EqualTo(new[] { true, false }));
        Assert.That(examples.Select(e => e.Weight), Is.All.EqualTo(0.5));
        Assert.That(examples.Select(e => e.Source), Is.All.EqualTo(ExampleSource.TrainingRecord));
    }

    private static ScoredLead Scored(string contactId, DateTimeOffset at, string lifecycle = "lead") =>
        new(contactId, at, new LeadSnapshot(new LeadFeatures { ContactId = contactId, LifecycleStage = lifecycle, AsOf = at }, 50, 50, 50, 50, at), 50);
}
