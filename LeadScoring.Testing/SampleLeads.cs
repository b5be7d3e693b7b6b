using LeadScoring.Core.Scoring;

namespace LeadScoring.Testing;

/// <summary>Leads the benchmarks, the allocation account and the tests score: fully populated, sparse and empty.</summary>
public static class SampleLeads
{
    private static readonly DateTimeOffset AsOf = new(2025, 6, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Every field set, AsOf included, so every factor formats a reason.</summary>
    public static LeadFeatures Full { get; } = FullAsOf(AsOf);

    /// <summary><see cref="Full"/> as of another moment (its last engagement moves with it).</summary>
    public static LeadFeatures FullAsOf(DateTimeOffset asOf) => new()
    {
        ContactId = "51234567",
        CompanyId = "98765432",
        AsOf = asOf,
        Industry = "COMPUTER_SOFTWARE",
        EmployeeCount = 250,
        AnnualRevenue = 12_500_000,
        Country = "DE",
        LeadSource = "REFERRALS",
        LifecycleStage = "salesqualifiedlead",
        EngagementWindowDays = 90,
        EmailOpens = 12,
        EmailClicks = 4,
        EmailReplies = 2,
        MeetingsBooked = 3,
        MeetingsAttended = 2,
        CallsAttempted = 5,
        CallsConnected = 2,
        TotalEngagements = 31,
        LastEngagementAt = asOf.AddDays(-3).AddHours(-5),
        ActivitiesLast7Days = 2,
        ActivitiesLast30Days = 6,
        ActivitiesLast90Days = 11,
        MedianResponseHours = 5.5,
        DealsCount = 4,
        DealsWon = 2,
        DealsLost = 1,
        AverageWonAmount = 40_000,
        MedianSalesCycleDays = 45,
        IndustryWinRate = 0.28,
        OpenDealStageProbability = 0.6,
    };

    /// <summary>Only industry, country and email opens; everything else unknown (AsOf too, so the clock is read).</summary>
    public static LeadFeatures Sparse { get; } = new()
    {
        Industry = "COMPUTER_SOFTWARE",
        Country = "US",
        EmailOpens = 3,
    };

    /// <summary>Nothing known at all.</summary>
    public static LeadFeatures Empty { get; } = new();
}
