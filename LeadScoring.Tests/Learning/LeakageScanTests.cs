using LeadScoring.Core.Learning;

namespace LeadScoring.Tests.Learning;

public sealed class LeakageScanTests
{
    [Test]
    public void SingleColumn_CopiedLabel_IsAProbableLeak()
    {
        var (data, _) = SyntheticLeads.Create(2_000, seed: 11);
        var withCopy = new LabeledTable(
            new FeatureTable([.. data.Features.Columns, FeatureColumn.Categorical("outcome_copy", data.Labels.Select(l => l ? "won" : "lost"))]),
            data.Labels);

        var scan = LeakageScan.SingleColumn(withCopy);

        var copy = scan.Single(c => c.Column == "outcome_copy");
        Assert.That(copy.AucAlone, Is.GreaterThan(0.99));
        Assert.That(copy.ProbableLeak, Is.True);
        Assert.That(copy.Reason, Does.Contain("AUC"));
        Assert.That(scan.Where(c => c.Column != "outcome_copy"), Has.None.Matches<ColumnLeakage>(c => c.ProbableLeak));
    }

    [Test]
    public void SingleColumn_ManyUniqueValues_IsNotMistakenForALeak()
    {
        // An id column: every value unique, so out-of-fold it carries nothing (in-sample it would look perfect).
        var (data, _) = SyntheticLeads.Create(2_000, seed: 12);
        var withId = new LabeledTable(
            new FeatureTable([.. data.Features.Columns, FeatureColumn.Categorical("contact_id", Enumerable.Range(0, 2_000).Select(i => $"c{i}"))]),
            data.Labels);

        var id = LeakageScan.SingleColumn(withId).Single(c => c.Column == "contact_id");

        Assert.That(id.AucAlone, Is.EqualTo(0.5).Within(0.05));
        Assert.That(id.ProbableLeak, Is.False);
    }

    [Test]
    public void Scan_ColumnThatCarriesTheModel_IsFlaggedByTheDropTest()
    {
        // "call_minutes" is noisy (alone AUC well under 0.9) but holds nearly all the signal, like bank marketing's duration.
        var random = new Random(5);
        var (data, _) = SyntheticLeads.Create(4_000, seed: 13);
        var minutes = data.Labels.Select(l => (l ? 1.6 : 0) + random.NextDouble() * 2.2).ToArray();
        var table = new LabeledTable(new FeatureTable([.. data.Features.Columns, FeatureColumn.Numeric("call_minutes", minutes)]), data.Labels);

        var scan = LeakageScan.Scan(table, SyntheticLeads.FastLearner(), candidates: 2);

        var leak = scan.Single(c => c.Column == "call_minutes");
        Assert.That(leak.AucAlone, Is.LessThan(LeakageScan.AloneThreshold));
        Assert.That(leak.AucDrop, Is.GreaterThan(LeakageScan.DropThreshold));
        Assert.That(leak.ProbableLeak, Is.True);
        Assert.That(scan.Where(c => c.Column != "call_minutes"), Has.None.Matches<ColumnLeakage>(c => c.ProbableLeak));
    }
}
