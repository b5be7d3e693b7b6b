using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Scoring;

[TestFixture]
public sealed class EngagementComponentTests
{
    /// <summary>Every engagement count known to be zero.</summary>
    private static readonly LeadFeatures AllZero = new()
    {
        EngagementWindowDays = 90,
        EmailOpens = 0,
        EmailClicks = 0,
        EmailReplies = 0,
        MeetingsBooked = 0,
        MeetingsAttended = 0,
        CallsAttempted = 0,
        CallsConnected = 0,
        TotalEngagements = 0,
    };

    private static ComponentScore Score(LeadFeatures lead) => EngagementComponent.Score(lead, ScoringProfile.Default);

    // Points = 100·(1 − e^(−x/k)); the component is weight·points + (1 − weight)·40 when only this factor is known.
    [TestCase("emailOpens", 5, 63.212, 0.10)]      // k 5: 100·(1 − e^−1)
    [TestCase("emailOpens", 10, 86.466, 0.10)]     // k 5: 100·(1 − e^−2)
    [TestCase("emailClicks", 1, 39.347, 0.15)]     // k 2: 100·(1 − e^−0.5)
    [TestCase("emailReplies", 2, 86.466, 0.20)]    // k 1: 100·(1 − e^−2)
    [TestCase("totalEngagements", 30, 86.466, 0.10)] // k 15: 100·(1 − e^−2)
    public void Score_SingleCount_SaturatesExponentially(string factor, int count, double points, double weight)
    {
        var lead = factor switch
        {
            "emailOpens" => new LeadFeatures { EmailOpens = count },
            "emailClicks" => new LeadFeatures { EmailClicks = count },
            "emailReplies" => new LeadFeatures { EmailReplies = count },
            _ => new LeadFeatures { TotalEngagements = count },
        };

        var engagement = Score(lead);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(engagement.Factor(factor).Points, Is.EqualTo(points).Within(0.05));
            Assert.That(engagement.Factor(factor).Weight, Is.EqualTo(weight));
            Assert.That(engagement.Factor(factor).Evidence, Is.EqualTo(1));
            Assert.That(engagement.Score, Is.EqualTo((weight * points) + ((1 - weight) * 40)).Within(0.01));
            Assert.That(engagement.Confidence, Is.EqualTo(weight).Within(1e-9));
        }
    }

    [Test]
    public void Score_TenThousandOpensAndNothingElse_CannotExceedOpensShare()
    {
        var noisy = AllZero with { EmailOpens = 10_000 };
        var oneMeeting = AllZero with { MeetingsBooked = 1, MeetingsAttended = 1 };

        var noisyScore = Score(noisy);
        var meetingScore = Score(oneMeeting);

        using (Assert.EnterMultipleScope())
        {
            // Opens saturate at 100 points; their weight is 0.10, so at most 10 component points.
            Assert.That(noisyScore.Factor("emailOpens").Points, Is.EqualTo(100).Within(0.05));
            Assert.That(noisyScore.Score, Is.EqualTo(10).Within(0.01));
            Assert.That(noisyScore.Score, Is.LessThanOrEqualTo(EngagementComponent.OpensWeight * 100));

            // One attended meeting: 0.3·100·(1 − e^(−1/1.5)) = 0.3·48.658 = 14.60, more than any number of opens.
            Assert.That(meetingScore.Score, Is.EqualTo(14.60).Within(0.01));
            Assert.That(meetingScore.Score, Is.GreaterThan(noisyScore.Score));
        }
    }

    [Test]
    public void Score_MeetingsAttendedFewerThanBooked_CountsAttendedAndNamesNoShows()
    {
        var lead = new LeadFeatures { EngagementWindowDays = 90, MeetingsBooked = 3, MeetingsAttended = 1 };

        var meetings = Score(lead).Factor("meetings");

        using (Assert.EnterMultipleScope())
        {
            // Attended only: 100·(1 − e^(−1/1.5)) = 48.66
            Assert.That(meetings.Points, Is.EqualTo(48.66).Within(0.05));
            Assert.That(meetings.Evidence, Is.EqualTo(1));
            Assert.That(meetings.Weight, Is.EqualTo(0.30));
            Assert.That(meetings.Reason, Is.EqualTo("Attended 1 of 3 booked meetings in the last 90 days (2 no-show)"));
        }
    }

    [TestCase(2, 2, "Attended 2 meetings in the last 90 days")]
    [TestCase(null, 2, "Attended 2 meetings in the last 90 days")]
    [TestCase(1, 1, "Attended 1 meeting in the last 90 days")]
    public void Score_AllBookedMeetingsAttended_NoNoShowInReason(int? booked, int attended, string reason)
    {
        var lead = new LeadFeatures { EngagementWindowDays = 90, MeetingsBooked = booked, MeetingsAttended = attended };

        var meetings = Score(lead).Factor("meetings");

        Assert.That(meetings.Reason, Is.EqualTo(reason));
    }

    [Test]
    public void Score_MeetingsBookedAttendanceUnknown_HalfCreditAndHalfEvidence()
    {
        var lead = new LeadFeatures { EngagementWindowDays = 90, MeetingsBooked = 3 };

        var engagement = Score(lead);

        var meetings = engagement.Factor("meetings");
        using (Assert.EnterMultipleScope())
        {
            // Half credit: 3·0.5 = 1.5 meetings → 100·(1 − e^(−1.5/1.5)) = 63.21, evidence 0.5.
            Assert.That(meetings.Points, Is.EqualTo(63.21).Within(0.05));
            Assert.That(meetings.Evidence, Is.EqualTo(0.5));
            Assert.That(meetings.Reason, Is.EqualTo("Booked 3 meetings in the last 90 days (attendance unknown)"));

            // 0.3·0.5·63.212 + (1 − 0.15)·40 = 9.48 + 34 = 43.48; confidence 0.3·0.5 = 0.15.
            Assert.That(engagement.Score, Is.EqualTo(43.48).Within(0.01));
            Assert.That(engagement.Confidence, Is.EqualTo(0.15).Within(1e-9));
        }
    }

    [TestCase(4, 2, 63.21, 1.0, "Connected on 2 of 4 calls in the last 90 days")]      // 100·(1 − e^(−2/2))
    [TestCase(null, 1, 39.3, 1.0, "Connected on 1 call in the last 90 days")]          // 100·(1 − e^(−1/2)) = 39.35, reported to 1 decimal
    [TestCase(3, 0, 0.0, 1.0, "No answer on 3 call attempts in the last 90 days")]
    [TestCase(1, 0, 0.0, 1.0, "No answer on 1 call attempt in the last 90 days")]
    [TestCase(3, null, 0.0, 0.5, "3 call attempts in the last 90 days, outcome unknown")]
    public void Score_Calls_ConnectedCountsAndReasonDescribesAttempts(int? attempted, int? connected, double points, double evidence, string reason)
    {
        var lead = new LeadFeatures { EngagementWindowDays = 90, CallsAttempted = attempted, CallsConnected = connected };

        var calls = Score(lead).Factor("calls");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(calls.Points, Is.EqualTo(points).Within(0.05));
            Assert.That(calls.Evidence, Is.EqualTo(evidence));
            Assert.That(calls.Weight, Is.EqualTo(0.15));
            Assert.That(calls.Reason, Is.EqualTo(reason));
        }
    }

    [Test]
    public void Score_WindowKnown_ReasonsSayInTheLastNDays()
    {
        var lead = new LeadFeatures { EngagementWindowDays = 30, EmailOpens = 3, EmailClicks = 1, EmailReplies = 2, TotalEngagements = 1 };

        var engagement = Score(lead);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(engagement.Factor("emailOpens").Reason, Is.EqualTo("Opened 3 emails in the last 30 days"));
            Assert.That(engagement.Factor("emailClicks").Reason, Is.EqualTo("Clicked 1 email link in the last 30 days"));
            Assert.That(engagement.Factor("emailReplies").Reason, Is.EqualTo("Replied to 2 emails in the last 30 days"));
            Assert.That(engagement.Factor("totalEngagements").Reason, Is.EqualTo("1 logged engagement in the last 30 days"));
        }
    }

    [Test]
    public void Score_WindowUnknown_ReasonsHaveNoWindowPhrase()
    {
        var lead = new LeadFeatures { EmailOpens = 3, MeetingsAttended = 1, CallsConnected = 2, CallsAttempted = 2 };

        var engagement = Score(lead);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(engagement.Factor("emailOpens").Reason, Is.EqualTo("Opened 3 emails"));
            Assert.That(engagement.Factor("meetings").Reason, Is.EqualTo("Attended 1 meeting"));
            Assert.That(engagement.Factor("calls").Reason, Is.EqualTo("Connected on 2 of 2 calls"));
        }
    }

    [Test]
    public void Score_AllCountsKnownZero_ZeroPointsWithFullEvidence()
    {
        var engagement = Score(AllZero);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(engagement.Factors.Select(f => f.Points), Is.All.EqualTo(0));
            Assert.That(engagement.Factors.Select(f => f.Evidence), Is.All.EqualTo(1));
            Assert.That(engagement.Score, Is.Zero);
            Assert.That(engagement.Confidence, Is.EqualTo(1).Within(1e-9));
        }
    }

    [Test]
    public void Score_AllCountsUnknown_PriorWithNoEvidence()
    {
        var engagement = Score(new LeadFeatures());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(engagement.Factors.Select(f => f.Points), Is.All.Null);
            Assert.That(engagement.Factors.Select(f => f.Evidence), Is.All.EqualTo(0));
            Assert.That(engagement.Score, Is.EqualTo(40));
            Assert.That(engagement.Confidence, Is.Zero);
            Assert.That(engagement.Factor("emailOpens").Reason, Is.EqualTo("Email opens unknown"));
            Assert.That(engagement.Factor("meetings").Reason, Is.EqualTo("Meetings unknown"));
        }
    }

    [Test]
    public void Score_ZeroOpensVersusUnknownOpens_AreNotConflated()
    {
        var zero = Score(new LeadFeatures { EmailOpens = 0 });
        var unknown = Score(new LeadFeatures { EmailOpens = null });

        using (Assert.EnterMultipleScope())
        {
            // Known zero: 0.1·0 + 0.9·40 = 36; unknown: all prior, 40.
            Assert.That(zero.Score, Is.EqualTo(36).Within(0.005));
            Assert.That(zero.Factor("emailOpens").Points, Is.EqualTo(0));
            Assert.That(zero.Factor("emailOpens").Evidence, Is.EqualTo(1));
            Assert.That(unknown.Score, Is.EqualTo(40));
            Assert.That(unknown.Factor("emailOpens").Points, Is.Null);
        }
    }

    [Test]
    public void Score_CustomUnknownDataScore_IsThePrior()
    {
        var profile = ScoringTestExtensions.Profile("""{ "unknownDataScore": 20 }""");

        var engagement = EngagementComponent.Score(new LeadFeatures { EmailReplies = 1 }, profile);

        // 0.2·100·(1 − e^−1) + 0.8·20 = 12.64 + 16 = 28.64
        Assert.That(engagement.Score, Is.EqualTo(28.64).Within(0.01));
    }
}
