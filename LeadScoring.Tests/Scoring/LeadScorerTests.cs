using LeadScoring.Core.Scoring;
using Microsoft.Extensions.Time.Testing;

namespace LeadScoring.Tests.Scoring;

[TestFixture]
public sealed class LeadScorerTests
{
    /// <summary>
    /// Fit fully known (97.5), last engaged at AsOf (recency 0.5·100 + 0.5·40 = 70), engagement and outcome unknown (40, 50).
    /// Fit: 0.3·100 + 0.15·100 + 0.1·100 + 0.15·100 + 0.1·95 + 0.2·90 = 97.5.
    /// </summary>
    private static readonly LeadFeatures KnownFitJustEngaged = new()
    {
        ContactId = "555",
        AsOf = Leads.Now,
        Industry = "COMPUTER_SOFTWARE",
        EmployeeCount = 400,
        AnnualRevenue = 40_000_000,
        Country = "US",
        LeadSource = "REFERRALS",
        LifecycleStage = "opportunity",
        LastEngagementAt = Leads.Now,
    };

    private static LeadScorer Scorer(ScoringProfile? profile = null, TimeProvider? clock = null) =>
        new(profile ?? ScoringProfile.Default, clock ?? new FakeTimeProvider(Leads.Now));

    /// <summary>Weights with no outcome share, so a lead about which nothing is known scores exactly UnknownDataScore.</summary>
    private static ScoringProfile FlatPrior(double unknownDataScore) => ScoringTestExtensions.Profile(
        $$"""{ "unknownDataScore": {{unknownDataScore.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "weights": { "fit": 0.25, "engagement": 0.25, "outcome": 0, "recency": 0.5 } }""");

    [Test]
    public void Score_KnownComponents_TotalIsWeightedSum()
    {
        var result = Scorer().Score(KnownFitJustEngaged);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Components.Fit.Score, Is.EqualTo(97.5).Within(0.005));
            Assert.That(result.Components.Engagement.Score, Is.EqualTo(40));
            Assert.That(result.Components.Outcome.Score, Is.EqualTo(50));
            Assert.That(result.Components.Recency.Score, Is.EqualTo(70).Within(0.005));

            // 0.3·97.5 + 0.3·40 + 0.2·50 + 0.2·70 = 29.25 + 12 + 10 + 14 = 65.25
            Assert.That(result.ExactScore, Is.EqualTo(65.25).Within(0.005));
            Assert.That(result.Score, Is.EqualTo(65));
            Assert.That(result.Priority, Is.EqualTo(Priority.Medium));
            Assert.That(result.Weights, Is.EqualTo(ComponentWeights.Default));
        }
    }

    [Test]
    public void Score_IdealLead_TotalMatchesItsOwnComponents()
    {
        var result = Scorer().Score(Leads.Ideal);

        var c = result.Components;
        var expected = (0.3 * c.Fit.Score) + (0.3 * c.Engagement.Score) + (0.2 * c.Outcome.Score) + (0.2 * c.Recency.Score);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ExactScore, Is.EqualTo(expected).Within(0.005));
            Assert.That(result.Score, Is.EqualTo((int)Math.Round(expected, MidpointRounding.AwayFromZero)));
        }
    }

    [Test]
    public void Score_CustomWeights_ChangeTotalAsComputed()
    {
        var profile = ScoringTestExtensions.Profile("""{ "weights": { "fit": 0.5, "engagement": 0.1, "outcome": 0.1, "recency": 0.3 } }""");

        var result = Scorer(profile).Score(KnownFitJustEngaged);

        using (Assert.EnterMultipleScope())
        {
            // 0.5·97.5 + 0.1·40 + 0.1·50 + 0.3·70 = 48.75 + 4 + 5 + 21 = 78.75
            Assert.That(result.ExactScore, Is.EqualTo(78.75).Within(0.005));
            Assert.That(result.Score, Is.EqualTo(79));
            Assert.That(result.Weights, Is.EqualTo(new ComponentWeights(0.5, 0.1, 0.1, 0.3)));

            // Confidence uses the same weights: 0.5·1 + 0.1·0 + 0.1·0 + 0.3·0.5 = 0.65
            Assert.That(result.Confidence, Is.EqualTo(0.65).Within(0.0005));
        }
    }

    [TestCase(42.5, 43)] // AwayFromZero; banker's rounding would give 42
    [TestCase(43.5, 44)]
    [TestCase(42.49, 42)]
    [TestCase(79.5, 80)]
    public void Score_ExactHalf_RoundsAwayFromZero(double exact, int rounded)
    {
        var result = Scorer(FlatPrior(exact)).Score(Leads.Unknown);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.ExactScore, Is.EqualTo(exact).Within(1e-9));
            Assert.That(result.Score, Is.EqualTo(rounded));
        }
    }

    [Test]
    public void Score_RoundedTo80_IsHighPriority()
    {
        var result = Scorer(FlatPrior(79.5)).Score(Leads.Unknown);

        Assert.That(result.Priority, Is.EqualTo(Priority.High));
    }

    [TestCase(0, Priority.Low)]
    [TestCase(49, Priority.Low)]
    [TestCase(50, Priority.Medium)]
    [TestCase(79, Priority.Medium)]
    [TestCase(80, Priority.High)]
    [TestCase(100, Priority.High)]
    public void FromScore_BandBoundaries_MapToPriority(int score, Priority expected)
    {
        Assert.That(PriorityBands.FromScore(score), Is.EqualTo(expected));
    }

    [Test]
    public void Score_EmptyFeatures_NoThrowZeroConfidenceTotalFromPriors()
    {
        var scorer = Scorer();

        LeadScore? result = null;
        Assert.That(() => result = scorer.Score(new LeadFeatures()), Throws.Nothing);

        using (Assert.EnterMultipleScope())
        {
            // 0.3·40 + 0.3·40 + 0.2·50 + 0.2·40 = 12 + 12 + 10 + 8 = 42
            Assert.That(result!.ExactScore, Is.EqualTo(42));
            Assert.That(result.Score, Is.EqualTo(42));
            Assert.That(result.Priority, Is.EqualTo(Priority.Low));
            Assert.That(result.Confidence, Is.Zero);
            Assert.That(result.TopReasons, Is.Empty);
            Assert.That(result.ContactId, Is.Null);

            // 1 / (1 + e^((85 − 42)/10)) = 1.34 %
            Assert.That(result.CloseProbability, Is.EqualTo(1));
            Assert.That(result.NextBestAction, Is.EqualTo(NextBestAction.Nurture));
        }
    }

    [Test]
    public void Score_IdealLead_IsHigh()
    {
        var result = Scorer().Score(Leads.Ideal);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Priority, Is.EqualTo(Priority.High));
            Assert.That(result.Score, Is.GreaterThanOrEqualTo(80));
            Assert.That(result.Confidence, Is.EqualTo(1).Within(0.2));
            Assert.That(result.NextBestAction, Is.EqualTo(NextBestAction.FollowUp));
        }
    }

    [Test]
    public void Score_PoorLead_IsLow()
    {
        var result = Scorer().Score(Leads.Poor);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Priority, Is.EqualTo(Priority.Low));
            Assert.That(result.Score, Is.LessThan(50));
            Assert.That(result.NextBestAction, Is.EqualTo(NextBestAction.Nurture));
        }
    }

    [Test]
    public void Score_Confidence_IsWeightAverageOfComponentConfidences()
    {
        var result = Scorer().Score(KnownFitJustEngaged);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.Components.Fit.Confidence, Is.EqualTo(1).Within(1e-9));
            Assert.That(result.Components.Engagement.Confidence, Is.Zero);
            Assert.That(result.Components.Outcome.Confidence, Is.Zero);
            Assert.That(result.Components.Recency.Confidence, Is.EqualTo(0.5).Within(1e-9));

            // 0.3·1 + 0.3·0 + 0.2·0 + 0.2·0.5 = 0.4
            Assert.That(result.Confidence, Is.EqualTo(0.4).Within(0.0005));
        }
    }

    [TestCase(85, 50)] // 1 / (1 + e^0) = 0.5
    [TestCase(80, 38)] // 1 / (1 + e^0.5) = 0.3775
    [TestCase(95, 73)] // 1 / (1 + e^−1) = 0.7311
    public void Score_CloseProbability_IsLogisticPrior(double exact, int percent)
    {
        var result = Scorer(FlatPrior(exact)).Score(Leads.Unknown);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.CloseProbability, Is.EqualTo(percent));
            Assert.That(result.CloseProbabilitySource, Is.EqualTo("logistic-prior"));
        }
    }

    [Test]
    public void Score_CloseProbability_UsesUnroundedScore()
    {
        var result = Scorer().Score(KnownFitJustEngaged);

        // 1 / (1 + e^((85 − 65.25)/10)) = 1 / (1 + 7.206) = 0.1219 → 12
        Assert.That(result.CloseProbability, Is.EqualTo(12));
    }

    [Test]
    public void Score_CustomClosePrior_ShiftsMidpoint()
    {
        var profile = ScoringTestExtensions.Profile("""{ "closeProbability": { "midpoint": 65.25, "scale": 5 } }""");

        var result = Scorer(profile).Score(KnownFitJustEngaged);

        // At the midpoint the prior is exactly 0.5.
        Assert.That(result.CloseProbability, Is.EqualTo(50));
    }

    [Test]
    public void Score_TopReasons_SortedByImpactAtMostFive()
    {
        var result = Scorer().Score(KnownFitJustEngaged);

        // impact = componentWeight · factorWeight · evidence · (points − prior):
        //   lastEngagement 0.2·0.5·(100 − 40) = 6.0; industry 0.3·0.3·60 = 5.4; lifecycleStage 0.3·0.2·50 = 3.0;
        //   companySize 0.3·0.15·60 = 2.7; geography 0.3·0.15·60 = 2.7; annualRevenue 0.3·0.1·60 = 1.8 (dropped);
        //   leadSource 0.3·0.1·55 = 1.65 (dropped).
        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.TopReasons.Select(r => r.Factor), Is.EqualTo(new[] { "lastEngagement", "industry", "lifecycleStage", "companySize", "geography" }));
            Assert.That(result.TopReasons.Select(r => r.Impact), Is.EqualTo(new[] { 6.0, 5.4, 3.0, 2.7, 2.7 }).Within(1e-9));
            Assert.That(result.TopReasons.Select(r => r.Component), Is.EqualTo(new[] { ScoreComponent.Recency, ScoreComponent.Fit, ScoreComponent.Fit, ScoreComponent.Fit, ScoreComponent.Fit }));
            Assert.That(result.TopReasons[0].Text, Is.EqualTo("Engaged today"));
            Assert.That(result.TopReasons[1].Text, Is.EqualTo("Computer software is a target industry"));
        }
    }

    [Test]
    public void Score_TopReasons_NegativeImpactsRankByMagnitudeAndSmallOnesDropped()
    {
        var lead = new LeadFeatures
        {
            AsOf = Leads.Now,
            LeadSource = "ORGANIC_SEARCH", // 0.3·0.1·(80 − 40) = +1.2
            EmployeeCount = 3,             // 0.3·0.15·(6 − 40) = −1.53
            Country = "JP",                // 0.3·0.15·(40 − 40) = 0 (dropped)
            Industry = "FARMING",          // 0.3·0.3·(35 − 40) = −0.45 (below 0.5, dropped)
        };

        var result = Scorer().Score(lead);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.TopReasons.Select(r => r.Factor), Is.EqualTo(new[] { "companySize", "leadSource" }));
            Assert.That(result.TopReasons.Select(r => r.Impact), Is.EqualTo(new[] { -1.5, 1.2 }).Within(1e-9));
        }
    }

    [Test]
    public void Score_IdealAndPoorLeads_TopReasonsObeyLimits()
    {
        var scorer = Scorer();

        foreach (var lead in new[] { Leads.Ideal, Leads.Poor })
        {
            var reasons = scorer.Score(lead).TopReasons;

            using (Assert.EnterMultipleScope())
            {
                Assert.That(reasons, Has.Count.LessThanOrEqualTo(5).And.Count.GreaterThan(0));
                Assert.That(reasons.Select(r => Math.Abs(r.Impact)), Is.Ordered.Descending);
                Assert.That(reasons.Select(r => Math.Abs(r.Impact)), Is.All.GreaterThanOrEqualTo(0.5));
            }
        }
    }

    [Test]
    public void Score_TopReasons_AreTheLargestOfAllFactorImpacts()
    {
        var result = Scorer().Score(Leads.Ideal);

        // Every factor's impact, recomputed from the reported components.
        var c = result.Components;
        var all = new[] { (c.Fit, 0.3), (c.Engagement, 0.3), (c.Outcome, 0.2), (c.Recency, 0.2) }
            .SelectMany(x => x.Item1.Factors.Select(f => (f.Name, Impact: x.Item2 * f.ImpactOn(x.Item1.Prior))))
            .OrderByDescending(x => Math.Abs(x.Impact))
            .Take(5)
            .ToArray();
        Assert.That(result.TopReasons.Select(r => r.Factor), Is.EquivalentTo(all.Select(x => x.Name)));
    }

    [Test]
    public void Score_MissingFactors_ListedByName()
    {
        var result = Scorer().Score(KnownFitJustEngaged);

        Assert.That(result.MissingData, Is.EqualTo(new[]
        {
            "emailOpens", "emailClicks", "emailReplies", "meetings", "calls", "totalEngagements",
            "winRate", "dealSize", "salesCycle", "industryWinRate",
            "activityFrequency", "responseTime",
        }));
    }

    [Test]
    public void Score_NothingKnown_EveryFactorMissing()
    {
        var result = Scorer().Score(Leads.Unknown);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.MissingData, Has.Count.EqualTo(19));
            Assert.That(result.MissingData, Does.Contain("industry").And.Contain("lastEngagement").And.Contain("winRate"));
            Assert.That(Scorer().Score(Leads.Ideal).MissingData, Is.Empty);
        }
    }

    [Test]
    public void Score_ModelVersion_NamesRulesAndProfile()
    {
        var custom = ScoringTestExtensions.Profile("""{ "name": "acme-emea", "version": "2026.1" }""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(Scorer().Score(Leads.Ideal).ModelVersion, Is.EqualTo("rules-1/default@1"));
            Assert.That(Scorer(custom).Score(Leads.Ideal).ModelVersion, Is.EqualTo("rules-1/acme-emea@2026.1"));
        }
    }

    [Test]
    public void Score_ScoredAt_ComesFromClockNotAsOf()
    {
        var clock = new FakeTimeProvider(Leads.Now.AddHours(5));

        var result = Scorer(clock: clock).Score(Leads.Ideal);

        Assert.That(result.ScoredAt, Is.EqualTo(Leads.Now.AddHours(5)));
    }

    [Test]
    public void Score_AsOfMissing_ClockDrivesRecency()
    {
        var clock = new FakeTimeProvider(Leads.Now);
        var scorer = Scorer(clock: clock);
        var lead = new LeadFeatures { LastEngagementAt = Leads.Now };

        var fresh = scorer.Score(lead);
        clock.Advance(TimeSpan.FromDays(14));
        var aged = scorer.Score(lead);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fresh.Components.Recency.Factor("lastEngagement").Points, Is.EqualTo(100));

            // 14 days at half-life 14: 50 points
            Assert.That(aged.Components.Recency.Factor("lastEngagement").Points, Is.EqualTo(50));
            Assert.That(aged.ScoredAt, Is.EqualTo(Leads.Now.AddDays(14)));
        }
    }

    [Test]
    public void Score_AsOfGiven_RecencyMeasuredFromAsOfNotClock()
    {
        var clock = new FakeTimeProvider(Leads.Now.AddDays(100));
        var lead = new LeadFeatures { AsOf = Leads.Now, LastEngagementAt = Leads.Now.AddDays(-28) };

        var result = Scorer(clock: clock).Score(lead);

        // 28 days before AsOf: 100·2^−2 = 25 (the clock, 128 days later, is ignored)
        Assert.That(result.Components.Recency.Factor("lastEngagement").Points, Is.EqualTo(25));
    }

    [Test]
    public void Score_OpenDealLateStage_ActionIsClose()
    {
        var result = Scorer().Score(Leads.Ideal with { OpenDealStageProbability = 0.9 });

        using (Assert.EnterMultipleScope())
        {
            Assert.That(result.NextBestAction, Is.EqualTo(NextBestAction.Close));
            Assert.That(result.NextBestActionReason, Is.EqualTo("Open deal at 90% stage probability: push it to close"));
        }
    }

    [Test]
    public void Score_ContactId_IsCopied()
    {
        Assert.That(Scorer().Score(Leads.Ideal).ContactId, Is.EqualTo("101"));
    }

    [Test]
    public void Constructor_NullArguments_Throw()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(() => new LeadScorer(null!, TimeProvider.System), Throws.ArgumentNullException);
            Assert.That(() => new LeadScorer(ScoringProfile.Default, null!), Throws.ArgumentNullException);
            Assert.That(() => Scorer().Score(null!), Throws.ArgumentNullException);
        }
    }
}
