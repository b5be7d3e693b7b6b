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
    public void Scan_ColumnThatCarriesTheModel_IsDominantNotAProbableLeak()
    {
        // "call_minutes" alone reaches only ≈ 0.8 AUC, but the other columns are weak, so it carries the model,
        // like bank marketing's call duration.
        var random = new Random(5);
        var labels = Enumerable.Range(0, 4_000).Select(_ => random.NextDouble() < 0.3).ToArray();
        var table = new LabeledTable(
            new FeatureTable([
                FeatureColumn.Numeric("call_minutes", labels.Select(l => (l ? 0.8 : 0) + random.NextDouble() * 2.2)),
                FeatureColumn.Numeric("weak", labels.Select(l => (l ? 0.3 : 0) + random.NextDouble() * 2.2)),
                FeatureColumn.Categorical("region", labels.Select(_ => random.Next(4).ToString(System.Globalization.CultureInfo.InvariantCulture))),
            ]),
            labels);

        var scan = LeakageScan.Scan(table, SyntheticLeads.FastLearner(), candidates: 2);

        var leak = scan.Single(c => c.Column == "call_minutes");
        Assert.That(leak.AucAlone, Is.InRange(0.7, LeakageScan.AloneThreshold));
        Assert.That(leak.AucDrop, Is.GreaterThan(LeakageScan.DropThreshold));
        Assert.That((leak.Dominant, leak.ProbableLeak, leak.Flagged), Is.EqualTo((true, false, true)), "the model leans on it; alone it does not predict the label");
        Assert.That(leak.Reason, Does.StartWith("the model leans on it").And.Contain("without it"));
        var weak = scan.Single(c => c.Column == "weak");
        Assert.That(weak.AucDrop, Is.Not.Null.And.LessThan(LeakageScan.DropThreshold));
        Assert.That(scan.Where(c => c.Column != "call_minutes"), Has.None.Matches<ColumnLeakage>(c => c.Flagged));
    }
}
