using BenchmarkDotNet.Attributes;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Benchmarks;

/// <summary>
/// Cost of <see cref="LeadScorer.Score"/> for one lead: fully populated, sparse and empty.
/// Target: under 20 µs per lead, and no allocations beyond the result itself, i.e. the <see cref="LeadScore"/>,
/// its <see cref="ComponentScores"/>, the 4 <see cref="ComponentScore"/> objects, their factor arrays, the reason
/// strings, and the TopReasons and MissingData arrays. Run <c>--account</c> to see whether Allocated is exactly that.
/// </summary>
[MemoryDiagnoser]
public class ScoringBenchmarks
{
    private readonly LeadScorer _scorer = new(ScoringProfile.Default, TimeProvider.System);

    [Benchmark(Description = "Score: full lead")]
    public LeadScore FullLead() => _scorer.Score(SampleLeads.Full);

    [Benchmark(Description = "Score: sparse lead")]
    public LeadScore SparseLead() => _scorer.Score(SampleLeads.Sparse);

    [Benchmark(Description = "Score: empty lead")]
    public LeadScore EmptyLead() => _scorer.Score(SampleLeads.Empty);
}

/// <summary>The leads the benchmarks and the allocation account score.</summary>
public static class SampleLeads
{
    private static readonly DateTimeOffset AsOf = new(2025, 6, 2, 9, 0, 0, TimeSpan.Zero);

    /// <summary>Every field set, AsOf included, so every factor formats a reason.</summary>
    public static LeadFeatures Full { get; } = new()
    {
        ContactId = "51234567",
        CompanyId = "98765432",
        AsOf = AsOf,
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
        LastEngagementAt = AsOf.AddDays(-3).AddHours(-5),
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
