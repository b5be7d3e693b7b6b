using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Scoring;

[TestFixture]
public sealed class OutcomeComponentTests
{
    private static ComponentScore Score(LeadFeatures lead, ScoringProfile? profile = null) =>
        OutcomeComponent.Score(lead, profile ?? ScoringProfile.Default);

    // Portal win rate 0.2: below it 50·rate/0.2, above it 50 + 50·(rate − 0.2)/0.8. Evidence closed/(closed + 5).
    [TestCase(1, 4, 50.0, 0.5, "Won 1 of 5 closed deals (20%; portal 20%)")]
    [TestCase(0, 5, 0.0, 0.5, "Won 0 of 5 closed deals (0%; portal 20%)")]
    [TestCase(5, 0, 100.0, 0.5, "Won 5 of 5 closed deals (100%; portal 20%)")]
    [TestCase(3, 2, 75.0, 0.5, "Won 3 of 5 closed deals (60%; portal 20%)")]
    [TestCase(1, 9, 25.0, 0.667, "Won 1 of 10 closed deals (10%; portal 20%)")]
    [TestCase(1, 0, 100.0, 0.167, "Won 1 of 1 closed deal (100%; portal 20%)")]
    public void Score_WinRate_JudgedAgainstPortalPrior(int? won, int? lost, double points, double evidence, string reason)
    {
        var lead = new LeadFeatures { DealsWon = won, DealsLost = lost };

        var winRate = Score(lead).Factor("winRate");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(winRate.Points, Is.EqualTo(points).Within(0.05));
            Assert.That(winRate.Evidence, Is.EqualTo(evidence).Within(0.0005));
            Assert.That(winRate.Weight, Is.EqualTo(0.40));
            Assert.That(winRate.Reason, Is.EqualTo(reason));
        }
    }

    [Test]
    public void Score_OneWonOfOne_ShrunkMuchCloserTo50ThanTwentyOfTwenty()
    {
        var one = Score(new LeadFeatures { DealsWon = 1, DealsLost = 0 });
        var twenty = Score(new LeadFeatures { DealsWon = 20, DealsLost = 0 });

        using (Assert.EnterMultipleScope())
        {
            // 1 of 1: evidence 1/6 → 0.4·(1/6)·100 + (1 − 0.4/6)·50 = 6.67 + 46.67 = 53.33
            Assert.That(one.Score, Is.EqualTo(53.33).Within(0.01));

            // 20 of 20: evidence 20/25 = 0.8 → 0.4·0.8·100 + (1 − 0.32)·50 = 32 + 34 = 66
            Assert.That(twenty.Score, Is.EqualTo(66).Within(0.01));
            Assert.That(one.Score - 50, Is.LessThan((twenty.Score - 50) / 4));
            Assert.That(one.Confidence, Is.EqualTo(0.4 / 6).Within(0.001));
            Assert.That(twenty.Confidence, Is.EqualTo(0.32).Within(0.001));
        }
    }

    [Test]
    public void Score_PriorStrengthZero_OwnRecordCountsFully()
    {
        var profile = ScoringTestExtensions.Profile("""{ "outcome": { "priorStrength": 0 } }""");

        var outcome = Score(new LeadFeatures { DealsWon = 1, DealsLost = 0 }, profile);

        // Evidence 1/(1 + 0) = 1 → 0.4·100 + 0.6·50 = 70
        Assert.That(outcome.Score, Is.EqualTo(70).Within(0.01));
    }

    [Test]
    public void Score_CustomPortalWinRate_MovesThe50Point()
    {
        var profile = ScoringTestExtensions.Profile("""{ "outcome": { "portalWinRate": 0.5 } }""");

        var atPrior = Score(new LeadFeatures { DealsWon = 2, DealsLost = 2 }, profile).Factor("winRate");
        var above = Score(new LeadFeatures { DealsWon = 3, DealsLost = 1 }, profile).Factor("winRate");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(atPrior.Points, Is.EqualTo(50).Within(0.05));

            // 50 + 50·(0.75 − 0.5)/0.5 = 75
            Assert.That(above.Points, Is.EqualTo(75).Within(0.05));
        }
    }

    // log-ratio: 50 + 25·log2(average / 25k), clamped to 0–100.
    [TestCase(50_000, 75.0, "Won deals average 50k, 2× your typical 25k")]
    [TestCase(25_000, 50.0, "Won deals average 25k, 1× your typical 25k")]
    [TestCase(100_000, 100.0, "Won deals average 100k, 4× your typical 25k")]
    [TestCase(400_000, 100.0, "Won deals average 400k, 16× your typical 25k")]
    [TestCase(12_500, 25.0, "Won deals average 12.5k, below your typical 25k")]
    [TestCase(1_000, 0.0, "Won deals average 1,000, below your typical 25k")]
    public void Score_DealSize_LogRatioToTarget(double average, double points, string reason)
    {
        var lead = new LeadFeatures { DealsWon = 5, DealsLost = 0, AverageWonAmount = average };

        var dealSize = Score(lead).Factor("dealSize");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(dealSize.Points, Is.EqualTo(points).Within(0.05));

            // 5 won deals: 5/(5 + 5) = 0.5
            Assert.That(dealSize.Evidence, Is.EqualTo(0.5));
            Assert.That(dealSize.Weight, Is.EqualTo(0.25));
            Assert.That(dealSize.Reason, Is.EqualTo(reason));
        }
    }

    [Test]
    public void Score_DealSizeWithoutWonDeals_IsMissing()
    {
        var lead = new LeadFeatures { DealsWon = 0, DealsLost = 3, AverageWonAmount = 50_000 };

        var dealSize = Score(lead).Factor("dealSize");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(dealSize.Points, Is.Null);
            Assert.That(dealSize.Reason, Is.EqualTo("No won deal amounts yet"));
        }
    }

    // Shorter is better: 50 + 25·log2(60 / days).
    [TestCase(30, 75.0, "Deals close in 30 days, faster than your typical 60")]
    [TestCase(60, 50.0, "Deals close in 60 days, faster than your typical 60")]
    [TestCase(120, 25.0, "Deals take 120 days, slower than your typical 60")]
    [TestCase(15, 100.0, "Deals close in 15 days, faster than your typical 60")]
    public void Score_SalesCycle_HalfTypicalEarns75(double days, double points, string reason)
    {
        // 3 won + 2 lost = 5 closed → evidence 5/(5 + 5) = 0.5
        var lead = new LeadFeatures { DealsWon = 3, DealsLost = 2, MedianSalesCycleDays = days };

        var cycle = Score(lead).Factor("salesCycle");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(cycle.Points, Is.EqualTo(points).Within(0.05));
            Assert.That(cycle.Evidence, Is.EqualTo(0.5));
            Assert.That(cycle.Weight, Is.EqualTo(0.15));
            Assert.That(cycle.Reason, Is.EqualTo(reason));
        }
    }

    [TestCase(0.35, 59.375, "Its industry wins 35% of deals, above the portal's 20%")] // 50 + 50·0.15/0.8
    [TestCase(0.10, 25.0, "Its industry wins 10% of deals, below the portal's 20%")]    // 50·0.1/0.2
    public void Score_IndustryWinRate_FullEvidenceAgainstPortal(double rate, double points, string reason)
    {
        var lead = new LeadFeatures { IndustryWinRate = rate };

        var outcome = Score(lead);

        var industry = outcome.Factor("industryWinRate");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(industry.Points, Is.EqualTo(points).Within(0.05));
            Assert.That(industry.Evidence, Is.EqualTo(1));
            Assert.That(industry.Reason, Is.EqualTo(reason));

            // 0.2·points + 0.8·50
            Assert.That(outcome.Score, Is.EqualTo((0.2 * points) + 40).Within(0.01));
            Assert.That(outcome.Confidence, Is.EqualTo(0.2).Within(1e-9));
        }
    }

    [Test]
    public void Score_NoClosedDeals_Is50WithNoEvidence()
    {
        var lead = new LeadFeatures { DealsCount = 2, DealsWon = 0, DealsLost = 0, MedianSalesCycleDays = 10, AverageWonAmount = 90_000 };

        var outcome = Score(lead);

        var winRate = outcome.Factor("winRate");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(winRate.Points, Is.EqualTo(50));
            Assert.That(winRate.Evidence, Is.Zero);
            Assert.That(winRate.Reason, Is.EqualTo("No closed deals yet: assumed the portal's 20% win rate"));
            Assert.That(outcome.Factor("dealSize").Points, Is.Null);
            Assert.That(outcome.Factor("salesCycle").Points, Is.Null);
            Assert.That(outcome.Score, Is.EqualTo(50));
            Assert.That(outcome.Confidence, Is.Zero);
        }
    }

    [Test]
    public void Score_NothingKnown_PriorIsPortalAverage50NotUnknownDataScore()
    {
        var profile = ScoringTestExtensions.Profile("""{ "unknownDataScore": 10 }""");

        var outcome = Score(Leads.Unknown, profile);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.Prior, Is.EqualTo(50));
            Assert.That(outcome.Score, Is.EqualTo(50));
            Assert.That(outcome.Factors.Select(f => f.Points), Is.All.Null);
            Assert.That(outcome.Factor("winRate").Reason, Is.EqualTo("Deal history unknown"));
        }
    }

    [Test]
    public void Score_IdealLead_CombinesAllFactorsWithShrinkage()
    {
        var outcome = Score(Leads.Ideal);

        // won 5 / lost 1: rate 5/6 → 50 + 50·(0.8333 − 0.2)/0.8 = 89.58, evidence 6/11 = 0.5455
        // deal size 60k/25k = 2.4 → 50 + 25·log2 2.4 = 81.58, evidence 5/10 = 0.5
        // cycle 60/30 = 2 → 75, evidence 6/11
        // industry 0.35 → 59.375, evidence 1
        var e6 = 6.0 / 11;
        var backed = (0.4 * e6) + (0.25 * 0.5) + (0.15 * e6) + 0.2;
        var expected = (0.4 * e6 * 89.5833) + (0.25 * 0.5 * 81.5754) + (0.15 * e6 * 75) + (0.2 * 59.375) + ((1 - backed) * 50);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(outcome.Score, Is.EqualTo(expected).Within(0.01));
            Assert.That(outcome.Confidence, Is.EqualTo(backed).Within(0.001));
        }
    }
}
