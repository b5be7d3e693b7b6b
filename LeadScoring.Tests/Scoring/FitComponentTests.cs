using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Scoring;

[TestFixture]
public sealed class FitComponentTests
{
    private static ScoreFactor FactorOf(LeadFeatures lead, string name, ScoringProfile? profile = null) =>
        FitComponent.Score(lead, profile ?? ScoringProfile.Default).Factor(name);

    [Test]
    public void Score_TargetIndustryOnly_ScoresIndustryAndFillsRestWithPrior()
    {
        var lead = new LeadFeatures { Industry = "COMPUTER_SOFTWARE" };

        var fit = FitComponent.Score(lead, ScoringProfile.Default);

        var industry = fit.Factor("industry");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(industry.Points, Is.EqualTo(100));
            Assert.That(industry.Evidence, Is.EqualTo(1));
            Assert.That(industry.Weight, Is.EqualTo(0.30));
            Assert.That(industry.Reason, Is.EqualTo("Computer software is a target industry"));

            // 0.3·100 + (1 − 0.3)·40 = 30 + 28 = 58
            Assert.That(fit.Score, Is.EqualTo(58).Within(0.005));
            Assert.That(fit.Confidence, Is.EqualTo(0.3).Within(1e-9));
            Assert.That(fit.Prior, Is.EqualTo(40));
        }
    }

    [TestCase("INFORMATION_TECHNOLOGY_AND_SERVICES", 90, "IT services is a target industry")]
    [TestCase("FINANCIAL_SERVICES", 80, "Financial services is a target industry")]
    [TestCase("MARKETING_AND_ADVERTISING", 75, "Marketing and advertising is an acceptable industry")]
    [TestCase("HOSPITAL_HEALTH_CARE", 60, "Hospital health care is an acceptable industry")]
    [TestCase("FARMING", 35, "Farming is outside your target industries")]
    public void Score_Industry_UsesMapOrOtherScoreWithReason(string code, double points, string reason)
    {
        var lead = new LeadFeatures { Industry = code };

        var factor = FactorOf(lead, "industry");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(factor.Points, Is.EqualTo(points));
            Assert.That(factor.Evidence, Is.EqualTo(1));
            Assert.That(factor.Reason, Is.EqualTo(reason));
        }
    }

    [Test]
    public void Score_PoorFitIndustryInCustomMap_IsCalledPoorFit()
    {
        var profile = ScoringTestExtensions.Profile("""{ "fit": { "industries": { "FARMING": 20, "BANKING": 85 } } }""");
        var farming = new LeadFeatures { Industry = "FARMING" };
        var software = new LeadFeatures { Industry = "COMPUTER_SOFTWARE" };

        var poor = FactorOf(farming, "industry", profile);
        var outside = FactorOf(software, "industry", profile);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(poor.Points, Is.EqualTo(20));
            Assert.That(poor.Reason, Is.EqualTo("Farming is a poor-fit industry"));

            // The custom map replaced the default one, so software is now outside it: OtherIndustryScore 35.
            Assert.That(outside.Points, Is.EqualTo(35));
            Assert.That(outside.Reason, Is.EqualTo("Computer software is outside your target industries"));
        }
    }

    // Ideal 50–1,000; below: 100·n/50, above: 100·1,000/n (halves per doubling away from the edge).
    [TestCase(50, 100, "50 employees: inside your ideal 50–1,000")]
    [TestCase(400, 100, "400 employees: inside your ideal 50–1,000")]
    [TestCase(1000, 100, "1,000 employees: inside your ideal 50–1,000")]
    [TestCase(25, 50, "25 employees: smaller than your ideal 50–1,000")]
    [TestCase(10, 20, "10 employees: smaller than your ideal 50–1,000")]
    [TestCase(2000, 50, "2,000 employees: larger than your ideal 50–1,000")]
    [TestCase(4000, 25, "4,000 employees: larger than your ideal 50–1,000")]
    [TestCase(8000, 12.5, "8,000 employees: larger than your ideal 50–1,000")]
    public void Score_Employees_HalvesPerDoublingOutsideIdealRange(int employees, double points, string reason)
    {
        var lead = new LeadFeatures { EmployeeCount = employees };

        var factor = FactorOf(lead, "companySize");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(factor.Points, Is.EqualTo(points).Within(0.05));
            Assert.That(factor.Weight, Is.EqualTo(0.15));
            Assert.That(factor.Evidence, Is.EqualTo(1));
            Assert.That(factor.Reason, Is.EqualTo(reason));
        }
    }

    // Ideal 5M–500M; below: 100·r/5M, above: 100·500M/r.
    [TestCase(40_000_000, 100, "Annual revenue 40M: inside your ideal 5M–500M")]
    [TestCase(2_500_000, 50, "Annual revenue 2.5M: below your ideal 5M–500M")]
    [TestCase(100_000, 2, "Annual revenue 100k: below your ideal 5M–500M")]
    [TestCase(1_000_000_000, 50, "Annual revenue 1B: above your ideal 5M–500M")]
    [TestCase(2_000_000_000, 25, "Annual revenue 2B: above your ideal 5M–500M")]
    public void Score_Revenue_HalvesPerDoublingOutsideIdealRange(double revenue, double points, string reason)
    {
        var lead = new LeadFeatures { AnnualRevenue = revenue };

        var factor = FactorOf(lead, "annualRevenue");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(factor.Points, Is.EqualTo(points).Within(0.05));
            Assert.That(factor.Weight, Is.EqualTo(0.10));
            Assert.That(factor.Reason, Is.EqualTo(reason));
        }
    }

    [TestCase("US", 100, "Based in US, a target market")]
    [TestCase("DE", 85, "Based in DE, a target market")]
    [TestCase("JP", 40, "Based in JP, outside your target markets")]
    public void Score_Country_UsesMapOrOtherCountryScore(string country, double points, string reason)
    {
        var lead = new LeadFeatures { Country = country };

        var factor = FactorOf(lead, "geography");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(factor.Points, Is.EqualTo(points));
            Assert.That(factor.Weight, Is.EqualTo(0.15));
            Assert.That(factor.Reason, Is.EqualTo(reason));
        }
    }

    [Test]
    public void Score_CountryMappedBelow50_IsCalledWeakMarket()
    {
        var profile = ScoringTestExtensions.Profile("""{ "fit": { "countries": { "US": 100, "FR": 30 } } }""");

        var weak = FactorOf(new LeadFeatures { Country = "FR" }, "geography", profile);
        var dropped = FactorOf(new LeadFeatures { Country = "DE" }, "geography", profile);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(weak.Points, Is.EqualTo(30));
            Assert.That(weak.Reason, Is.EqualTo("Based in FR, a weak market"));
            Assert.That(dropped.Points, Is.EqualTo(40), "DE is not in the replacing map: OtherCountryScore");
        }
    }

    [TestCase("REFERRALS", 95, "Came from Referrals, a strong source")]
    [TestCase("AI_REFERRALS", 70, "Came from AI referrals, a strong source")]
    [TestCase("PAID_SEARCH", 60, "Came from Paid search")]
    [TestCase("TRADE_SHOW", 40, "Came from TRADE_SHOW")]
    public void Score_LeadSource_UsesMapOrOtherSourceScore(string source, double points, string reason)
    {
        var lead = new LeadFeatures { LeadSource = source };

        var factor = FactorOf(lead, "leadSource");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(factor.Points, Is.EqualTo(points));
            Assert.That(factor.Weight, Is.EqualTo(0.10));
            Assert.That(factor.Reason, Is.EqualTo(reason));
        }
    }

    [TestCase("customer")]
    [TestCase("Evangelist")]
    public void Score_ClosedLifecycleStage_IsNeutralNotPositiveFit(string stage)
    {
        var lead = new LeadFeatures { Industry = "COMPUTER_SOFTWARE", LifecycleStage = stage };

        var fit = FitComponent.Score(lead, ScoringProfile.Default);
        var asIfUnknownStage = FitComponent.Score(lead with { LifecycleStage = null }, ScoringProfile.Default);

        var factor = fit.Factor("lifecycleStage");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(factor.Points, Is.EqualTo(ScoringProfile.Default.UnknownDataScore), "worth exactly the prior: no impact");
            Assert.That(factor.ImpactOn(fit.Prior), Is.Zero);
            Assert.That(factor.Reason, Does.StartWith("Already a customer").And.Contain("not counted toward fit"));
            Assert.That(fit.Score, Is.EqualTo(asIfUnknownStage.Score).Within(0.01));
        }
    }

    [Test]
    public void Score_ClosedStagesFromTheProfile_ReplaceTheDefault()
    {
        var profile = ScoringProfile.Default with { Fit = ScoringProfile.Default.Fit with { ClosedLifecycleStages = ["other"] } };

        var customer = FactorOf(new LeadFeatures { LifecycleStage = "customer" }, "lifecycleStage", profile);
        var other = FactorOf(new LeadFeatures { LifecycleStage = "other" }, "lifecycleStage", profile);

        Assert.That(customer.Points, Is.EqualTo(75));
        Assert.That(other.Reason, Does.StartWith("Already a customer"));
    }

    [TestCase("salesqualifiedlead", 80, "Lifecycle stage: Sales qualified lead")]
    [TestCase("subscriber", 20, "Lifecycle stage: Subscriber")]
    [TestCase("opportunity", 90, "Lifecycle stage: Opportunity")]
    [TestCase("123456789", 40, "Lifecycle stage: 123456789")]
    public void Score_LifecycleStage_UsesMapOrOtherStageScore(string stage, double points, string reason)
    {
        var lead = new LeadFeatures { LifecycleStage = stage };

        var factor = FactorOf(lead, "lifecycleStage");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(factor.Points, Is.EqualTo(points));
            Assert.That(factor.Weight, Is.EqualTo(0.20));
            Assert.That(factor.Reason, Is.EqualTo(reason));
        }
    }

    [Test]
    public void Score_CustomNumericStageInProfile_UsesItsScore()
    {
        var profile = ScoringTestExtensions.Profile("""{ "fit": { "lifecycleStages": { "123456789": 85, "lead": 40 } } }""");

        var factor = FactorOf(new LeadFeatures { LifecycleStage = "123456789" }, "lifecycleStage", profile);

        Assert.That(factor.Points, Is.EqualTo(85));
    }

    [Test]
    public void Score_CodesInOtherCase_MatchCaseInsensitively()
    {
        var lower = new LeadFeatures { Industry = "computer_software", Country = "us", LeadSource = "referrals", LifecycleStage = "SalesQualifiedLead" };

        var fit = FitComponent.Score(lower, ScoringProfile.Default);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fit.Factor("industry").Points, Is.EqualTo(100));
            Assert.That(fit.Factor("industry").Reason, Is.EqualTo("Computer software is a target industry"));
            Assert.That(fit.Factor("geography").Points, Is.EqualTo(100));
            Assert.That(fit.Factor("leadSource").Points, Is.EqualTo(95));
            Assert.That(fit.Factor("lifecycleStage").Points, Is.EqualTo(80));
            Assert.That(fit.Factor("lifecycleStage").Reason, Is.EqualTo("Lifecycle stage: Sales qualified lead"));
        }
    }

    [Test]
    public void Score_CodesInOtherCaseWithProfileBuiltInCode_MatchCaseInsensitively()
    {
        // A profile built in code (public constructor) rather than through ScoringProfileLoader or Default.
        var profile = new ScoringProfile { Name = "coded" };
        var lower = new LeadFeatures { Industry = "computer_software", LifecycleStage = "SALESQUALIFIEDLEAD" };

        var fit = FitComponent.Score(lower, profile);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fit.Factor("industry").Points, Is.EqualTo(100));
            Assert.That(fit.Factor("lifecycleStage").Points, Is.EqualTo(80));
        }
    }

    [Test]
    public void Score_IdealFit_WeightedSumOfAllFactors()
    {
        var fit = FitComponent.Score(Leads.Ideal, ScoringProfile.Default);

        using (Assert.EnterMultipleScope())
        {
            // 0.3·100 + 0.15·100 + 0.1·100 + 0.15·100 + 0.1·95 + 0.2·90 = 30 + 15 + 10 + 15 + 9.5 + 18 = 97.5
            Assert.That(fit.Score, Is.EqualTo(97.5).Within(0.005));
            Assert.That(fit.Confidence, Is.EqualTo(1).Within(1e-9));
            Assert.That(fit.Factors.Select(f => f.Weight).Sum(), Is.EqualTo(1).Within(1e-9));
        }
    }

    [Test]
    public void Score_NothingKnown_EveryFactorMissingAndScoreIsPrior()
    {
        var fit = FitComponent.Score(Leads.Unknown, ScoringProfile.Default);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fit.Factors.Select(f => f.Name), Is.EqualTo(new[] { "industry", "companySize", "annualRevenue", "geography", "leadSource", "lifecycleStage" }));
            Assert.That(fit.Factors.Select(f => f.Points), Is.All.Null);
            Assert.That(fit.Factors.Select(f => f.Evidence), Is.All.EqualTo(0));
            Assert.That(fit.Factor("industry").Reason, Is.EqualTo("Industry unknown"));
            Assert.That(fit.Factor("companySize").Reason, Is.EqualTo("Company size unknown"));
            Assert.That(fit.Score, Is.EqualTo(40));
            Assert.That(fit.Confidence, Is.Zero);
        }
    }

    [TestCase(null)]
    [TestCase("")]
    public void Score_MissingIndustry_PullsTowardUnknownDataScoreAndLowersConfidence(string? industry)
    {
        var lead = Leads.Ideal with { Industry = industry };
        var harsh = ScoringTestExtensions.Profile("""{ "unknownDataScore": 0 }""");

        var withDefaultPrior = FitComponent.Score(lead, ScoringProfile.Default);
        var withZeroPrior = FitComponent.Score(lead, harsh);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(withDefaultPrior.Factor("industry").Points, Is.Null);
            Assert.That(withDefaultPrior.Factor("industry").Evidence, Is.Zero);

            // Known: 0.15·100 + 0.1·100 + 0.15·100 + 0.1·95 + 0.2·90 = 67.5; unknown industry: 0.3·prior.
            Assert.That(withDefaultPrior.Score, Is.EqualTo(67.5 + (0.3 * 40)).Within(0.005));
            Assert.That(withZeroPrior.Score, Is.EqualTo(67.5).Within(0.005));
            Assert.That(withDefaultPrior.Confidence, Is.EqualTo(0.7).Within(1e-9));
        }
    }
}
