using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Scoring;

[TestFixture]
public sealed class NextBestActionRulesTests
{
    private static readonly DateTimeOffset AsOf = Leads.Now;

    private static readonly NextBestActionProfile Rules = ScoringProfile.Default.NextBestAction;

    private static LeadFeatures EngagedDaysAgo(double days, double? stage = null) =>
        new() { AsOf = AsOf, LastEngagementAt = AsOf.AddDays(-days), OpenDealStageProbability = stage };

    [TestCase(Priority.Medium, 0.8, "Open deal at 80% stage probability: push it to close")]
    [TestCase(Priority.High, 0.95, "Open deal at 95% stage probability: push it to close")]
    public void Decide_LateStageDealAndMediumOrHigh_Close(Priority priority, double stage, string reason)
    {
        var lead = EngagedDaysAgo(60, stage);

        var (action, why) = NextBestActionRules.Decide(priority, lead, AsOf, Rules);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(action, Is.EqualTo(NextBestAction.Close));
            Assert.That(why, Is.EqualTo(reason));
        }
    }

    [Test]
    public void Decide_LateStageDealButLowAndCold_NurtureNotClose()
    {
        var lead = EngagedDaysAgo(60, 0.9);

        var (action, why) = NextBestActionRules.Decide(Priority.Low, lead, AsOf, Rules);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(action, Is.EqualTo(NextBestAction.Nurture));
            Assert.That(why, Is.EqualTo("Low priority: keep warm with marketing until engagement grows"));
        }
    }

    [Test]
    public void Decide_StageJustBelowThreshold_NotClose()
    {
        var lead = EngagedDaysAgo(60, 0.79);

        var (action, _) = NextBestActionRules.Decide(Priority.Medium, lead, AsOf, Rules);

        Assert.That(action, Is.Not.EqualTo(NextBestAction.Close));
    }

    [Test]
    public void Decide_CustomCloseThreshold_IsUsed()
    {
        var rules = new NextBestActionProfile { CloseStageProbability = 0.6 };

        var (action, _) = NextBestActionRules.Decide(Priority.Medium, EngagedDaysAgo(60, 0.6), AsOf, rules);

        Assert.That(action, Is.EqualTo(NextBestAction.Close));
    }

    [Test]
    public void Decide_HighEvenWhenCold_FollowUp()
    {
        var (action, why) = NextBestActionRules.Decide(Priority.High, EngagedDaysAgo(120), AsOf, Rules);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(action, Is.EqualTo(NextBestAction.FollowUp));
            Assert.That(why, Is.EqualTo("High priority: contact within a day"));
        }
    }

    [TestCase(10, "Medium priority and engaged 10 days ago: follow up while warm")]
    [TestCase(14, "Medium priority and engaged 14 days ago: follow up while warm")]
    public void Decide_MediumEngagedWithin14Days_FollowUp(int days, string reason)
    {
        var (action, why) = NextBestActionRules.Decide(Priority.Medium, EngagedDaysAgo(days), AsOf, Rules);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(action, Is.EqualTo(NextBestAction.FollowUp));
            Assert.That(why, Is.EqualTo(reason));
        }
    }

    [Test]
    public void Decide_MediumEngaged15DaysAgo_NurtureSayingHowLongCold()
    {
        var (action, why) = NextBestActionRules.Decide(Priority.Medium, EngagedDaysAgo(15), AsOf, Rules);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(action, Is.EqualTo(NextBestAction.Nurture));
            Assert.That(why, Is.EqualTo("Medium priority but no engagement for 15 days: re-engage through nurture"));
        }
    }

    [Test]
    public void Decide_MediumNoTimestampButActivityThisWeek_FollowUp()
    {
        var lead = new LeadFeatures { ActivitiesLast7Days = 2 };

        var (action, why) = NextBestActionRules.Decide(Priority.Medium, lead, AsOf, Rules);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(action, Is.EqualTo(NextBestAction.FollowUp));
            Assert.That(why, Is.EqualTo("Medium priority with recent activity: follow up while warm"));
        }
    }

    [Test]
    public void Decide_MediumOnlyThirtyDayActivityAnd14DayWindow_NotWarm()
    {
        // 30 days is longer than the 14-day recent window, so 30-day activity does not prove recent engagement.
        var lead = new LeadFeatures { ActivitiesLast7Days = 0, ActivitiesLast30Days = 5 };

        var (action, why) = NextBestActionRules.Decide(Priority.Medium, lead, AsOf, Rules);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(action, Is.EqualTo(NextBestAction.Nurture));
            Assert.That(why, Is.EqualTo("Medium priority but no engagement known within the last 14 days: re-engage through nurture"));
        }
    }

    [Test]
    public void Decide_MediumCountsButNoDate_DoesNotSayNoEngagement()
    {
        // The README's sample request: opens and meetings, no last-engagement time.
        var lead = new LeadFeatures { EmailOpens = 6, MeetingsBooked = 2, MeetingsAttended = 2 };

        var (action, why) = NextBestActionRules.Decide(Priority.Medium, lead, AsOf, Rules);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(action, Is.EqualTo(NextBestAction.Nurture));
            Assert.That(why, Is.EqualTo("Medium priority but no engagement known within the last 14 days: re-engage through nurture"));
        }
    }

    [Test]
    public void Decide_MediumNothingAtAll_NoEngagementOnRecord()
    {
        var (_, why) = NextBestActionRules.Decide(Priority.Medium, new LeadFeatures { Industry = "COMPUTER_SOFTWARE" }, AsOf, Rules);

        Assert.That(why, Is.EqualTo("Medium priority but no engagement on record: re-engage through nurture"));
    }

    [Test]
    public void Decide_MediumThirtyDayActivityAnd30DayWindow_Warm()
    {
        var rules = new NextBestActionProfile { RecentEngagementDays = 30 };
        var lead = new LeadFeatures { ActivitiesLast30Days = 5 };

        var (action, _) = NextBestActionRules.Decide(Priority.Medium, lead, AsOf, rules);

        Assert.That(action, Is.EqualTo(NextBestAction.FollowUp));
    }

    [Test]
    public void Decide_LowWithOpenDealAndRecentEngagement_FollowUp()
    {
        var (action, why) = NextBestActionRules.Decide(Priority.Low, EngagedDaysAgo(3, 0.3), AsOf, Rules);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(action, Is.EqualTo(NextBestAction.FollowUp));
            Assert.That(why, Is.EqualTo("Open deal with recent engagement: keep it moving"));
        }
    }

    [Test]
    public void Decide_LowWithRecentEngagementButNoDeal_Nurture()
    {
        var (action, why) = NextBestActionRules.Decide(Priority.Low, EngagedDaysAgo(0), AsOf, Rules);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(action, Is.EqualTo(NextBestAction.Nurture));
            Assert.That(why, Does.StartWith("Low priority"));
        }
    }

    [Test]
    public void Decide_LowWithOpenDealButCold_Nurture()
    {
        var (action, _) = NextBestActionRules.Decide(Priority.Low, EngagedDaysAgo(30, 0.3), AsOf, Rules);

        Assert.That(action, Is.EqualTo(NextBestAction.Nurture));
    }

    [Test]
    public void Decide_NothingKnown_Nurture()
    {
        var (action, _) = NextBestActionRules.Decide(Priority.Medium, new LeadFeatures(), AsOf, Rules);

        Assert.That(action, Is.EqualTo(NextBestAction.Nurture));
    }
}
