using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Scoring;

/// <summary>Look-alike training records pull the total toward their scores, in proportion to how alike they are.</summary>
[TestFixture]
public sealed class SimilarityBlendTests
{
    private readonly LeadScorer _scorer = new(ScoringProfile.Default, TimeProvider.System);

    [Test]
    public void Score_NoNeighbours_IsTheComponentTotalAndHasNoSimilarity()
    {
        var plain = _scorer.Score(Leads.Poor);
        var withEmpty = _scorer.Score(Leads.Poor, []);

        Assert.That(withEmpty.ExactScore, Is.EqualTo(plain.ExactScore));
        Assert.That(withEmpty.Similarity, Is.Null);
    }

    [Test]
    public void Score_TwoCloseIdealNeighbours_PullsTheTotalUpByTheDocumentedWeight()
    {
        var plain = _scorer.Score(Leads.Poor);
        SimilarRecord[] neighbours = [new("r1", "Ideal", 95, 0.9), new("r2", "Ideal", 85, 0.9)];

        var blended = _scorer.Score(Leads.Poor, neighbours);

        // neighbour score = (0.9·95 + 0.9·85) / 1.8 = 90; weight = 0.25 · mean similarity 0.9 = 0.225
        var expected = (0.775 * plain.ExactScore) + (0.225 * 90);
        Assert.That(blended.ExactScore, Is.EqualTo(expected).Within(0.02));
        Assert.That(blended.Similarity!.Score, Is.EqualTo(90));
        Assert.That(blended.Similarity.Weight, Is.EqualTo(0.225));
        Assert.That(blended.Similarity.ComponentScore, Is.EqualTo(plain.ExactScore).Within(0.01));
        Assert.That(blended.TopReasons.Select(r => r.Text), Has.Some.EqualTo("Looks like 2 Ideal training records (90% similar on average)"));
        Assert.That(blended.TopReasons.Single(r => r.Component == ScoreComponent.Similarity).Impact, Is.GreaterThan(0));
    }

    [Test]
    public void Score_LessIdealNeighbours_PullTheTotalDown()
    {
        var plain = _scorer.Score(Leads.Ideal);

        var blended = _scorer.Score(Leads.Ideal, [new SimilarRecord("r9", "LessIdeal", 10, 0.95)]);

        Assert.That(blended.ExactScore, Is.LessThan(plain.ExactScore));
        Assert.That(blended.TopReasons.Select(r => r.Text), Has.Some.StartsWith("Looks like 1 Less Ideal training record"));
    }

    [Test]
    public void Score_NeighboursBelowMinimumSimilarity_AreIgnored()
    {
        var blended = _scorer.Score(Leads.Poor, [new SimilarRecord("r1", "Ideal", 100, 0.49)]);

        Assert.That(blended.Similarity, Is.Null);
        Assert.That(blended.ExactScore, Is.EqualTo(_scorer.Score(Leads.Poor).ExactScore));
    }

    [Test]
    public void Score_MoreNeighboursThanK_UsesTheFirstK()
    {
        var neighbours = Enumerable.Range(0, 8).Select(i => new SimilarRecord($"r{i}", i < 5 ? "Ideal" : "LessIdeal", i < 5 ? 90 : 0, 0.8)).ToList();

        var blended = _scorer.Score(Leads.Poor, neighbours);

        Assert.That(blended.Similarity!.Neighbours, Has.Count.EqualTo(ScoringProfile.Default.Similarity.Neighbours));
        Assert.That(blended.Similarity.Score, Is.EqualTo(90));
    }
}
