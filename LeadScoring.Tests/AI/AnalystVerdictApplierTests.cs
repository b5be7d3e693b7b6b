using LeadScoring.Core.AI;
using LeadScoring.Core.Scoring;
using LeadScoring.Tests.Scoring;

namespace LeadScoring.Tests.AI;

[TestFixture]
public sealed class AnalystVerdictApplierTests
{
    private readonly LeadScorer _scorer = new(ScoringProfile.Default, TimeProvider.System);

    [Test]
    public void Apply_Fallback_DeterministicScoreStandsAndSaysWhy()
    {
        var deterministic = _scorer.Score(Leads.Ideal);

        var applied = AnalystVerdictApplier.Apply(deterministic, AnalystVerdict.Declined("timed out after 10 s", "gpt-4o-mini"), ScoringProfile.Default);

        Assert.That(applied.Score, Is.EqualTo(deterministic.Score));
        Assert.That(applied.TopReasons, Is.EqualTo(deterministic.TopReasons));
        Assert.That(applied.Analyst!.Fallback, Is.True);
        Assert.That(applied.Analyst.FallbackReason, Is.EqualTo("timed out after 10 s"));
    }

    [Test]
    public void Apply_UsedVerdict_ItsScoreBandActionAndReasonsStand()
    {
        var deterministic = _scorer.Score(Leads.Poor);
        var verdict = new AnalystVerdict(false, null, 81, "High", "Close", ["Budget approved last week"], 0.9, "gpt-4o-mini");

        var applied = AnalystVerdictApplier.Apply(deterministic, verdict, ScoringProfile.Default);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(applied.Score, Is.EqualTo(81));
            Assert.That(applied.Priority, Is.EqualTo(Priority.High));
            Assert.That(applied.NextBestAction, Is.EqualTo(NextBestAction.Close));
            Assert.That(applied.TopReasons[0].Text, Is.EqualTo("AI analyst: Budget approved last week"));
            Assert.That(applied.CloseProbability, Is.EqualTo(40), "logistic prior at 81: 1/(1+e^0.4) = 0.401");
            Assert.That(applied.ModelVersion, Does.EndWith("+analyst:gpt-4o-mini"));
            Assert.That(applied.Components, Is.SameAs(deterministic.Components), "the components stay for reference");
        }
    }
}
