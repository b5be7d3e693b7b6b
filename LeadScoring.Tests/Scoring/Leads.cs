using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Scoring;

/// <summary>Ready-made leads for tests; vary them with <c>with { … }</c>.</summary>
internal static class Leads
{
    public static readonly DateTimeOffset Now = new(2026, 11, 24, 12, 0, 0, TimeSpan.Zero);

    /// <summary>A lead about which nothing is known.</summary>
    public static LeadFeatures Unknown { get; } = new() { AsOf = Now };

    /// <summary>An ideal, very engaged lead with a strong deal record.</summary>
    public static LeadFeatures Ideal { get; } = new()
    {
        ContactId = "101",
        CompanyId = "201",
        AsOf = Now,
        Industry = "COMPUTER_SOFTWARE",
        EmployeeCount = 400,
        AnnualRevenue = 40_000_000,
        Country = "US",
        LeadSource = "REFERRALS",
        LifecycleStage = "opportunity",
        EngagementWindowDays = 90,
        EmailOpens = 12,
        EmailClicks = 5,
        EmailReplies = 4,
        MeetingsBooked = 3,
        MeetingsAttended = 3,
        CallsAttempted = 4,
        CallsConnected = 4,
        TotalEngagements = 40,
        LastEngagementAt = Now.AddHours(-6),
        ActivitiesLast7Days = 5,
        ActivitiesLast30Days = 12,
        ActivitiesLast90Days = 30,
        MedianResponseHours = 2,
        DealsCount = 6,
        DealsWon = 5,
        DealsLost = 1,
        AverageWonAmount = 60_000,
        MedianSalesCycleDays = 30,
        IndustryWinRate = 0.35,
        OpenDealStageProbability = 0.4,
    };

    /// <summary>A poor-fit, disengaged lead with everything known.</summary>
    public static LeadFeatures Poor { get; } = new()
    {
        ContactId = "102",
        AsOf = Now,
        Industry = "FARMING",
        EmployeeCount = 3,
        AnnualRevenue = 100_000,
        Country = "AQ",
        LeadSource = "PAID_SOCIAL",
        LifecycleStage = "subscriber",
        EngagementWindowDays = 90,
        EmailOpens = 0,
        EmailClicks = 0,
        EmailReplies = 0,
        MeetingsBooked = 0,
        MeetingsAttended = 0,
        CallsAttempted = 3,
        CallsConnected = 0,
        TotalEngagements = 3,
        LastEngagementAt = Now.AddDays(-200),
        ActivitiesLast7Days = 0,
        ActivitiesLast30Days = 0,
        ActivitiesLast90Days = 0,
        MedianResponseHours = 400,
        DealsCount = 4,
        DealsWon = 0,
        DealsLost = 4,
        MedianSalesCycleDays = 200,
        IndustryWinRate = 0.05,
    };
}
