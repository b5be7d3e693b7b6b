using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Scoring;

[TestFixture]
public sealed class LeadFeaturesValidatorTests
{
    // Our clock is well after Leads.Now (2026-11-24), as it is for a lead scored today.
    private static readonly DateTimeOffset TestClock = Leads.Now.AddDays(30);

    private static IEnumerable<string> FieldsOf(LeadFeatures lead) => LeadFeaturesValidator.Validate(lead, TestClock).Select(e => e.Field);

    [Test]
    public void Validate_SampleLeads_AreValid()
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(LeadFeaturesValidator.Validate(Leads.Ideal, TestClock), Is.Empty);
            Assert.That(LeadFeaturesValidator.Validate(Leads.Poor, TestClock), Is.Empty);
            Assert.That(LeadFeaturesValidator.Validate(Leads.Unknown, TestClock), Is.Empty);
            Assert.That(LeadFeaturesValidator.Validate(new LeadFeatures(), TestClock), Is.Empty);
        }
    }

    private static IEnumerable<TestCaseData> NegativeCounts()
    {
        yield return new TestCaseData(Leads.Unknown with { EmailOpens = -1 }, "emailOpens");
        yield return new TestCaseData(Leads.Unknown with { EmailClicks = -1 }, "emailClicks");
        yield return new TestCaseData(Leads.Unknown with { EmailReplies = -1 }, "emailReplies");
        yield return new TestCaseData(Leads.Unknown with { MeetingsBooked = -1 }, "meetingsBooked");
        yield return new TestCaseData(Leads.Unknown with { CallsAttempted = -2 }, "callsAttempted");
        yield return new TestCaseData(Leads.Unknown with { TotalEngagements = -1 }, "totalEngagements");
        yield return new TestCaseData(Leads.Unknown with { EmployeeCount = -10 }, "employeeCount");
        yield return new TestCaseData(Leads.Unknown with { ActivitiesLast90Days = -1 }, "activitiesLast90Days");
        yield return new TestCaseData(Leads.Unknown with { DealsWon = -1 }, "dealsWon");
        yield return new TestCaseData(Leads.Unknown with { DealsLost = -1 }, "dealsLost");
        yield return new TestCaseData(Leads.Unknown with { EmailOpens = 10_000_001 }, "emailOpens");
    }

    [TestCaseSource(nameof(NegativeCounts))]
    public void Validate_CountOutOfRange_NamesField(LeadFeatures lead, string field)
    {
        var errors = LeadFeaturesValidator.Validate(lead, TestClock);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { field }));
            Assert.That(errors[0].Message, Does.Contain("whole number between 0 and"));
        }
    }

    [Test]
    public void Validate_NegativeDealsCount_OnlyDealsCountNamed()
    {
        var errors = LeadFeaturesValidator.Validate(Leads.Unknown with { DealsCount = -1 }, TestClock);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors, Is.Not.Empty);
            Assert.That(errors.Select(e => e.Field), Is.All.EqualTo("dealsCount"));
        }
    }

    [Test]
    public void Validate_AttendedMoreThanBooked_Rejected()
    {
        var errors = LeadFeaturesValidator.Validate(Leads.Unknown with { MeetingsBooked = 1, MeetingsAttended = 2 }, TestClock);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { "meetingsAttended" }));
            Assert.That(errors[0].Message, Is.EqualTo("must not exceed meetingsBooked (2 > 1)"));
        }
    }

    [Test]
    public void Validate_AttendedWithBookedUnknown_Accepted()
    {
        Assert.That(LeadFeaturesValidator.Validate(Leads.Unknown with { MeetingsAttended = 2 }, TestClock), Is.Empty);
    }

    [Test]
    public void Validate_ConnectedMoreThanAttempted_Rejected()
    {
        var errors = LeadFeaturesValidator.Validate(Leads.Unknown with { CallsAttempted = 2, CallsConnected = 3 }, TestClock);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { "callsConnected" }));
            Assert.That(errors[0].Message, Is.EqualTo("must not exceed callsAttempted (3 > 2)"));
        }
    }

    [TestCase(5, 4, 10, "activitiesLast7Days")]
    [TestCase(1, 8, 6, "activitiesLast30Days")]
    public void Validate_ActivityWindowsOutOfOrder_Rejected(int last7, int last30, int last90, string field)
    {
        var lead = Leads.Unknown with { ActivitiesLast7Days = last7, ActivitiesLast30Days = last30, ActivitiesLast90Days = last90 };

        Assert.That(FieldsOf(lead), Is.EqualTo(new[] { field }));
    }

    [Test]
    public void Validate_SevenDayCountAboveNinetyWithThirtyUnknown_Rejected()
    {
        var lead = Leads.Unknown with { ActivitiesLast7Days = 10, ActivitiesLast90Days = 5 };

        Assert.That(FieldsOf(lead), Is.EqualTo(new[] { "activitiesLast7Days" }));
    }

    [Test]
    public void Validate_ActivityWindowsEqual_Accepted()
    {
        Assert.That(LeadFeaturesValidator.Validate(Leads.Unknown with { ActivitiesLast7Days = 4, ActivitiesLast30Days = 4, ActivitiesLast90Days = 4 }, TestClock), Is.Empty);
    }

    [Test]
    public void Validate_WonPlusLostAboveDealsCount_Rejected()
    {
        var errors = LeadFeaturesValidator.Validate(Leads.Unknown with { DealsCount = 4, DealsWon = 3, DealsLost = 2 }, TestClock);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { "dealsCount" }));
            Assert.That(errors[0].Message, Is.EqualTo("must be at least dealsWon + dealsLost (5, got 4)"));
        }
    }

    [Test]
    public void Validate_WonPlusLostEqualsDealsCount_Accepted()
    {
        Assert.That(LeadFeaturesValidator.Validate(Leads.Unknown with { DealsCount = 5, DealsWon = 3, DealsLost = 2 }, TestClock), Is.Empty);
    }

    [TestCase(-0.01)]
    [TestCase(1.01)]
    [TestCase(double.NaN)]
    public void Validate_ProbabilityOutOfRange_Rejected(double value)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(FieldsOf(Leads.Unknown with { IndustryWinRate = value }), Is.EqualTo(new[] { "industryWinRate" }));
            Assert.That(FieldsOf(Leads.Unknown with { OpenDealStageProbability = value }), Is.EqualTo(new[] { "openDealStageProbability" }));
        }
    }

    [TestCase(0.0)]
    [TestCase(1.0)]
    public void Validate_ProbabilityAtBounds_Accepted(double value)
    {
        Assert.That(LeadFeaturesValidator.Validate(Leads.Unknown with { IndustryWinRate = value, OpenDealStageProbability = value }, TestClock), Is.Empty);
    }

    [TestCase("USA")]
    [TestCase("XX")]
    [TestCase("Germany")]
    [TestCase("")]
    public void Validate_NonIsoCountry_Rejected(string country)
    {
        var errors = LeadFeaturesValidator.Validate(Leads.Unknown with { Country = country }, TestClock);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { "country" }));
            Assert.That(errors[0].Message, Does.Contain("ISO 3166-1 alpha-2"));
        }
    }

    [Test]
    public void Validate_LowerCaseIsoCountry_Accepted()
    {
        Assert.That(LeadFeaturesValidator.Validate(Leads.Unknown with { Country = "de" }, TestClock), Is.Empty);
    }

    [TestCase("jane@example.com")]
    [TestCase("12a")]
    [TestCase("")]
    [TestCase("123456789012345678901")]
    public void Validate_NonNumericIds_Rejected(string id)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(FieldsOf(Leads.Unknown with { ContactId = id }), Is.EqualTo(new[] { "contactId" }));
            Assert.That(FieldsOf(Leads.Unknown with { CompanyId = id }), Is.EqualTo(new[] { "companyId" }));
        }
    }

    [Test]
    public void Validate_IdRejected_MessageDoesNotEchoValue()
    {
        var errors = LeadFeaturesValidator.Validate(Leads.Unknown with { ContactId = "jane@example.com" }, TestClock);

        Assert.That(errors[0].Message, Does.Not.Contain("jane"));
    }

    [TestCase(double.NaN)]
    [TestCase(double.PositiveInfinity)]
    [TestCase(-1.0)]
    [TestCase(1e308)]
    public void Validate_BadAmounts_Rejected(double value)
    {
        var lead = Leads.Unknown with { AnnualRevenue = value, AverageWonAmount = value, MedianSalesCycleDays = value, MedianResponseHours = value };

        Assert.That(FieldsOf(lead), Is.EquivalentTo(new[] { "annualRevenue", "averageWonAmount", "medianSalesCycleDays", "medianResponseHours" }));
    }

    [Test]
    public void Validate_LastEngagementMoreThanADayAfterAsOf_Rejected()
    {
        var errors = LeadFeaturesValidator.Validate(Leads.Unknown with { LastEngagementAt = Leads.Now.AddDays(1).AddMinutes(1) }, TestClock);

        Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { "lastEngagementAt" }));
    }

    [Test]
    public void Validate_LastEngagementUpToADayAfterAsOf_AcceptedAsClockSkew()
    {
        Assert.That(LeadFeaturesValidator.Validate(Leads.Unknown with { LastEngagementAt = Leads.Now.AddDays(1) }, TestClock), Is.Empty);
    }

    // Defect #14: annualRevenue 1e308 was accepted; the stated maximum is 10^15 in the portal's currency.
    [Test]
    public void Validate_RevenueAboveTheStatedMaximum_RejectedNamingTheMaximum()
    {
        var errors = LeadFeaturesValidator.Validate(Leads.Unknown with { AnnualRevenue = 1e308 }, TestClock);

        Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { "annualRevenue" }));
        Assert.That(errors[0].Message, Does.Contain("between 0 and 1,000,000,000,000,000"));
        Assert.That(LeadFeaturesValidator.Validate(Leads.Unknown with { AnnualRevenue = LeadFeaturesValidator.MaxMoney }, TestClock), Is.Empty);
    }

    // Defect #14: lastEngagementAt 2099 (no asOf) was scored "Engaged today".
    [Test]
    public void Validate_LastEngagementInTheFuture_RejectedBeyondTheClockSkew()
    {
        var lead = new LeadFeatures { LastEngagementAt = TestClock + LeadFeaturesValidator.ClockSkew + TimeSpan.FromSeconds(1) };

        var errors = LeadFeaturesValidator.Validate(lead, TestClock);

        Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { "lastEngagementAt" }));
        Assert.That(errors[0].Message, Does.Contain("in the future"));
        Assert.That(LeadFeaturesValidator.Validate(new LeadFeatures { LastEngagementAt = TestClock + LeadFeaturesValidator.ClockSkew }, TestClock), Is.Empty, "within the skew");
    }

    [Test]
    public void Validate_FutureAsOfAndLastEngagement_StillRejected()
    {
        var year2099 = new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero);

        Assert.That(FieldsOf(new LeadFeatures { AsOf = year2099, LastEngagementAt = year2099 }), Is.EqualTo(new[] { "lastEngagementAt" }));
    }

    [TestCase(0)]
    [TestCase(3651)]
    public void Validate_EngagementWindowOutOfRange_Rejected(int days)
    {
        Assert.That(FieldsOf(Leads.Unknown with { EngagementWindowDays = days }), Is.EqualTo(new[] { "engagementWindowDays" }));
    }

    [Test]
    public void Validate_TextWithControlCharacters_Rejected()
    {
        var lead = Leads.Unknown with { Industry = "SOFTWARE\n", LeadSource = "", LifecycleStage = new string('a', 129) };

        Assert.That(FieldsOf(lead), Is.EquivalentTo(new[] { "industry", "leadSource", "lifecycleStage" }));
    }

    [Test]
    public void Validate_SeveralProblems_AllReported()
    {
        var lead = Leads.Ideal with { EmailOpens = -1, MeetingsAttended = 9, Country = "ZZ", IndustryWinRate = 2 };

        Assert.That(FieldsOf(lead), Is.EquivalentTo(new[] { "emailOpens", "meetingsAttended", "country", "industryWinRate" }));
    }

    [Test]
    public void Validate_Null_Throws()
    {
        Assert.That(() => LeadFeaturesValidator.Validate(null!, TestClock), Throws.ArgumentNullException);
    }
}
