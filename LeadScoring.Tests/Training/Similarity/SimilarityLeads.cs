using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Training.Similarity;

/// <summary>Leads for the similarity tests: one fully known, look-alikes of it, and a generator of random ones.</summary>
internal static class SimilarityLeads
{
    public static readonly DateTimeOffset AsOf = new(2026, 3, 1, 9, 0, 0, TimeSpan.Zero);

    /// <summary>The shared fully known lead (<see cref="SampleLeads.FullAsOf"/>) as of <see cref="AsOf"/>.</summary>
    public static LeadFeatures Full { get; } = SampleLeads.FullAsOf(AsOf);

    /// <summary><see cref="Full"/> with five numbers a little different (some cross a bucket boundary).</summary>
    public static LeadFeatures NearCopy { get; } = Full with
    {
        ContactId = "51234999",
        EmployeeCount = 300,
        AnnualRevenue = 15_000_000,
        EmailOpens = 10,
        TotalEngagements = 35,
        LastEngagementAt = AsOf.AddDays(-5),
    };

    /// <summary>Differs from <see cref="Full"/> in every categorical value and every order of magnitude.</summary>
    public static LeadFeatures Unrelated { get; } = new()
    {
        AsOf = AsOf,
        Industry = "RETAIL",
        EmployeeCount = 4,
        AnnualRevenue = 200_000,
        Country = "BR",
        LeadSource = "PAID_SOCIAL",
        LifecycleStage = "subscriber",
        EmailOpens = 0,
        EmailClicks = 0,
        EmailReplies = 0,
        MeetingsBooked = 0,
        MeetingsAttended = 0,
        CallsAttempted = 0,
        CallsConnected = 0,
        TotalEngagements = 1,
        LastEngagementAt = AsOf.AddDays(-200),
        ActivitiesLast7Days = 0,
        ActivitiesLast30Days = 0,
        ActivitiesLast90Days = 0,
        DealsCount = 0,
        DealsWon = 0,
        DealsLost = 0,
    };

    private static readonly string[] Industries = ["COMPUTER_SOFTWARE", "RETAIL", "HOSPITALITY", "BANKING", "HOSPITAL_HEALTH_CARE", "CONSTRUCTION", "EDUCATION_MANAGEMENT", "AUTOMOTIVE"];
    private static readonly string[] Countries = ["US", "DE", "FR", "GB", "BR", "IN", "JP", "NL"];
    private static readonly string[] Stages = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity", "customer"];
    private static readonly string[] Sources = ["ORGANIC_SEARCH", "PAID_SEARCH", "REFERRALS", "EMAIL_MARKETING", "DIRECT_TRAFFIC", "SOCIAL_MEDIA"];

    /// <summary>A lead with every value drawn at random over realistic ranges.</summary>
    public static LeadFeatures Random(Random random) => new()
    {
        AsOf = AsOf,
        Industry = Industries[random.Next(Industries.Length)],
        Country = Countries[random.Next(Countries.Length)],
        LifecycleStage = Stages[random.Next(Stages.Length)],
        LeadSource = Sources[random.Next(Sources.Length)],
        EmployeeCount = (int)Math.Exp(random.NextDouble() * 10),
        AnnualRevenue = Math.Exp(random.NextDouble() * 18),
        EmailOpens = random.Next(30),
        EmailClicks = random.Next(10),
        EmailReplies = random.Next(5),
        MeetingsBooked = random.Next(5),
        MeetingsAttended = random.Next(4),
        CallsAttempted = random.Next(10),
        CallsConnected = random.Next(5),
        TotalEngagements = random.Next(80),
        LastEngagementAt = AsOf.AddDays(-random.Next(200)),
        ActivitiesLast7Days = random.Next(5),
        ActivitiesLast30Days = random.Next(15),
        ActivitiesLast90Days = random.Next(40),
        MedianResponseHours = random.NextDouble() * 100,
        DealsCount = random.Next(5),
        DealsWon = random.Next(3),
        DealsLost = random.Next(3),
        AverageWonAmount = random.Next(1_000, 200_000),
        MedianSalesCycleDays = random.Next(5, 200),
        IndustryWinRate = random.NextDouble(),
        OpenDealStageProbability = random.NextDouble(),
    };
}
