using LeadScoring.Core.Pipeline;
using LeadScoring.Core.Scoring;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace LeadScoring.Tests.Scoring;

/// <summary>The sentence a rep sees when the learned close probability and the score's band disagree.</summary>
[TestFixture]
public sealed class BandNoteTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 12, 0, 0, TimeSpan.Zero);

    [Test]
    public void Score_MediumBandWithAHighLearnedProbability_SaysWhyBothAreRight_AndTheExplanationCarriesIt()
    {
        var score = Scorer(0.76).Score(MediumLead());

        Assert.That(score.Priority, Is.EqualTo(Priority.Medium), "precondition");
        Assert.That(score.BandNote, Does.StartWith("The close probability (76%) is higher than a Medium score").And.Contain("model m1, mostly because of emailReplies = 3"));
        Assert.That(LeadScoreWriteback.Explanation(score), Does.Contain(score.BandNote));
    }

    [Test]
    public void Score_LearnedProbabilityInTheScoresBand_HasNoNote()
    {
        // The prior maps Medium (50–79) to 3–31 %: 10 % agrees with a Medium score.
        Assert.That(Scorer(0.10).Score(MediumLead()).BandNote, Is.Null);
    }

    [Test]
    public void Score_WithoutALearnedModel_HasNoNote()
    {
        Assert.That(new LeadScorer(ScoringProfile.Default, new FakeTimeProvider(Now)).Score(MediumLead()).BandNote, Is.Null, "the prior's probability follows the score by construction");
    }

    private static LeadScorer Scorer(double probability)
    {
        var model = new Mock<ICloseProbabilityModel>();
        model.Setup(m => m.Estimate(It.IsAny<LeadFeatures>(), It.IsAny<ComponentScores>(), It.IsAny<DateTimeOffset>()))
            .Returns(new LearnedCloseProbability(probability, "m1", [new ModelContribution("emailReplies", "3", 0.8)]));
        return new LeadScorer(ScoringProfile.Default, new FakeTimeProvider(Now), model.Object);
    }

    private static LeadFeatures MediumLead() => new()
    {
        Industry = "COMPUTER_SOFTWARE",
        EmployeeCount = 200,
        Country = "US",
        LifecycleStage = "marketingqualifiedlead",
        EmailOpens = 8,
        EmailClicks = 3,
        EmailReplies = 3,
        MeetingsBooked = 1,
        LastEngagementAt = Now.AddDays(-3),
        AsOf = Now,
    };
}
