using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Scoring;

[TestFixture]
public sealed class RecencyComponentTests
{
    private static readonly DateTimeOffset AsOf = Leads.Now;

    private static ComponentScore Score(LeadFeatures lead, ScoringProfile? profile = null) =>
        RecencyComponent.Score(lead, profile ?? ScoringProfile.Default, AsOf);

    // 100·2^(−days/14)
    [TestCase(0, 100.0, "Engaged today")]
    [TestCase(1, 95.17, "Last engaged yesterday")]
    [TestCase(7, 70.71, "Last engaged 7 days ago")]
    [TestCase(14, 50.0, "Last engaged 14 days ago")]
    [TestCase(28, 25.0, "Last engaged 28 days ago")]
    [TestCase(42, 12.5, "Last engaged 42 days ago")]
    public void Score_LastEngagement_DecaysWithHalfLife14Days(int daysAgo, double points, string reason)
    {
        var lead = new LeadFeatures { LastEngagementAt = AsOf.AddDays(-daysAgo) };

        var recency = Score(lead);

        var last = recency.Factor("lastEngagement");
        using (Assert.EnterMultipleScope())
        {
            Assert.That(last.Points, Is.EqualTo(points).Within(0.05));
            Assert.That(last.Weight, Is.EqualTo(0.50));
            Assert.That(last.Evidence, Is.EqualTo(1));
            Assert.That(last.Reason, Is.EqualTo(reason));

            // Only this factor known: 0.5·points + 0.5·40
            Assert.That(recency.Score, Is.EqualTo((0.5 * points) + 20).Within(0.03));
            Assert.That(recency.Confidence, Is.EqualTo(0.5).Within(1e-9));
        }
    }

    [Test]
    public void Score_FractionalDays_DecayUsesExactElapsedAndReasonWholeDays()
    {
        var lead = new LeadFeatures { LastEngagementAt = AsOf.AddHours(-36) };

        var last = Score(lead).Factor("lastEngagement");

        using (Assert.EnterMultipleScope())
        {
            // 1.5 days: 100·2^(−1.5/14) = 92.84
            Assert.That(last.Points, Is.EqualTo(92.84).Within(0.05));
            Assert.That(last.Reason, Is.EqualTo("Last engaged yesterday"));
        }
    }

    [Test]
    public void Score_FutureTimestamp_CountsAsToday()
    {
        var lead = new LeadFeatures { LastEngagementAt = AsOf.AddHours(20) };

        var last = Score(lead).Factor("lastEngagement");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(last.Points, Is.EqualTo(100));
            Assert.That(last.Reason, Is.EqualTo("Engaged today"));
            Assert.That(RecencyComponent.DaysSince(AsOf.AddDays(3), AsOf), Is.Zero);
            Assert.That(RecencyComponent.DaysSince(null, AsOf), Is.Null);
        }
    }

    [Test]
    public void Score_CustomHalfLife_DecaysFaster()
    {
        var profile = ScoringTestExtensions.Profile("""{ "recency": { "halfLifeDays": 7 } }""");
        var lead = new LeadFeatures { LastEngagementAt = AsOf.AddDays(-14) };

        var last = Score(lead, profile).Factor("lastEngagement");

        // 14 days at half-life 7: 100·2^−2 = 25
        Assert.That(last.Points, Is.EqualTo(25).Within(0.05));
    }

    // weighted = a7 + 0.5·(a30 − a7) + 0.2·(a90 − a30); points = 100·(1 − e^(−weighted/3)).
    [TestCase(2, 6, 16, 86.47)] // 2 + 2 + 2 = 6 → 100·(1 − e^−2)
    [TestCase(3, 3, 3, 63.21)]  // 3 + 0 + 0 = 3 → 100·(1 − e^−1)
    [TestCase(0, 0, 10, 48.66)] // 0 + 0 + 2 = 2 → 100·(1 − e^(−2/3))
    [TestCase(0, 0, 0, 0.0)]
    public void Score_Frequency_WeightsNewerActivityMore(int last7, int last30, int last90, double points)
    {
        var lead = new LeadFeatures { ActivitiesLast7Days = last7, ActivitiesLast30Days = last30, ActivitiesLast90Days = last90 };

        var frequency = Score(lead).Factor("activityFrequency");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(frequency.Points, Is.EqualTo(points).Within(0.05));
            Assert.That(frequency.Evidence, Is.EqualTo(1));
            Assert.That(frequency.Weight, Is.EqualTo(0.30));
        }
    }

    [Test]
    public void Score_ThreeThisWeekVersusFifteenTwoMonthsAgo_WorthTheSame()
    {
        var recent = new LeadFeatures { ActivitiesLast7Days = 3, ActivitiesLast30Days = 3, ActivitiesLast90Days = 3 };
        var old = new LeadFeatures { ActivitiesLast7Days = 0, ActivitiesLast30Days = 0, ActivitiesLast90Days = 15 };

        var recentPoints = Score(recent).Factor("activityFrequency").Points;
        var oldPoints = Score(old).Factor("activityFrequency").Points;

        // 3·1 = 15·0.2 = 3 weighted activities each.
        Assert.That(recentPoints, Is.EqualTo(oldPoints));
    }

    [Test]
    public void Score_FrequencyReason_NamesThirtyAndSevenDayCounts()
    {
        var lead = new LeadFeatures { ActivitiesLast7Days = 2, ActivitiesLast30Days = 6, ActivitiesLast90Days = 16 };

        var frequency = Score(lead).Factor("activityFrequency");

        Assert.That(frequency.Reason, Is.EqualTo("6 activities in the last 30 days (2 in the last 7)"));
    }

    [Test]
    public void Score_OnlyNinetyDayCount_LowerEvidence()
    {
        var lead = new LeadFeatures { ActivitiesLast90Days = 10 };

        var recency = Score(lead);

        var frequency = recency.Factor("activityFrequency");
        using (Assert.EnterMultipleScope())
        {
            // Unknown 7/30-day counts: 0 + 0 + 0.2·10 = 2 → 48.66, evidence 0.7.
            Assert.That(frequency.Points, Is.EqualTo(48.66).Within(0.05));
            Assert.That(frequency.Evidence, Is.EqualTo(0.7));
            Assert.That(frequency.Reason, Is.EqualTo("10 activities in the last 90 days"));

            // 0.3·0.7 = 0.21 backed: 0.21·48.658 + 0.79·40 = 10.22 + 31.6 = 41.82
            Assert.That(recency.Confidence, Is.EqualTo(0.21).Within(1e-9));
            Assert.That(recency.Score, Is.EqualTo(41.82).Within(0.01));
        }
    }

    [Test]
    public void Score_SevenDayCountUnknown_ReasonDoesNotClaimZero()
    {
        var lead = new LeadFeatures { ActivitiesLast30Days = 6, ActivitiesLast90Days = 10 };

        var frequency = Score(lead).Factor("activityFrequency");

        Assert.That(frequency.Reason, Does.StartWith("6 activities in the last 30 days").And.Not.Contain("0 in the last 7"));
    }

    [Test]
    public void Score_OnlySevenDayCount_CarriedForwardWithLowerEvidence()
    {
        var lead = new LeadFeatures { ActivitiesLast7Days = 5 };

        var frequency = Score(lead).Factor("activityFrequency");

        using (Assert.EnterMultipleScope())
        {
            // 30- and 90-day counts default to the 7-day one: weighted 5 → 100·(1 − e^(−5/3)) = 81.11
            Assert.That(frequency.Points, Is.EqualTo(81.11).Within(0.05));
            Assert.That(frequency.Evidence, Is.EqualTo(0.7));
        }
    }

    // 100·2^(−hours/24)
    [TestCase(0.5, 98.57, "Usually replies within the hour")]
    [TestCase(2, 94.39, "Usually replies within 2 hours")]
    [TestCase(24, 50.0, "Usually replies within 24 hours")]
    [TestCase(48, 25.0, "Usually takes 2 days to reply")]
    [TestCase(72, 12.5, "Usually takes 3 days to reply")]
    public void Score_ResponseTime_DecaysWithResponseHalfLife(double hours, double points, string reason)
    {
        var lead = new LeadFeatures { MedianResponseHours = hours };

        var response = Score(lead).Factor("responseTime");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(response.Points, Is.EqualTo(points).Within(0.05));
            Assert.That(response.Weight, Is.EqualTo(0.20));
            Assert.That(response.Reason, Is.EqualTo(reason));
        }
    }

    [Test]
    public void Score_CustomResponseHalfLife_IsUsed()
    {
        var profile = ScoringTestExtensions.Profile("""{ "recency": { "responseHalfLifeHours": 12 } }""");

        var response = Score(new LeadFeatures { MedianResponseHours = 24 }, profile).Factor("responseTime");

        // 24 h at half-life 12 h: 100·2^−2 = 25
        Assert.That(response.Points, Is.EqualTo(25).Within(0.05));
    }

    [Test]
    public void Score_NothingKnown_PriorAndNoConfidence()
    {
        var recency = Score(Leads.Unknown);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(recency.Score, Is.EqualTo(40));
            Assert.That(recency.Confidence, Is.Zero);
            Assert.That(recency.Factor("lastEngagement").Reason, Is.EqualTo("Never engaged, or last engagement unknown"));
            Assert.That(recency.Factor("activityFrequency").Points, Is.Null);
            Assert.That(recency.Factor("responseTime").Points, Is.Null);
        }
    }

    [Test]
    public void Score_AllKnown_WeightedSum()
    {
        var lead = new LeadFeatures
        {
            LastEngagementAt = AsOf.AddDays(-14),
            ActivitiesLast7Days = 3,
            ActivitiesLast30Days = 3,
            ActivitiesLast90Days = 3,
            MedianResponseHours = 24,
        };

        var recency = Score(lead);

        // 0.5·50 + 0.3·63.212 + 0.2·50 = 25 + 18.96 + 10 = 53.96
        Assert.That(recency.Score, Is.EqualTo(53.96).Within(0.01));
    }
}
