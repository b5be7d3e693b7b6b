using System.Collections.Frozen;

namespace LeadScoring.Core.Scoring;

/// <summary>
/// The portal's ideal customer profile and scoring knobs. Every field has a documented default, so a JSON
/// profile only needs what differs; a map given in JSON replaces the default map as a whole.
/// </summary>
/// <remarks>
/// Properties have setters, not init, because System.Text.Json's source generator assigns every init-only property
/// (absent ones as default), which would erase the defaults of omitted fields. Treat a loaded profile as immutable.
/// </remarks>
public sealed record ScoringProfile
{
    public static ScoringProfile Default { get; } = new ScoringProfile().Normalized();

    public string Name { get; set; } = "default";

    public string Version { get; set; } = "1";

    /// <summary>Component weights; each ≥ 0, summing to 1. Default 30/30/20/20.</summary>
    public ComponentWeights Weights { get; set; } = ComponentWeights.Default;

    /// <summary>What an unknown Fit, Engagement or Recency factor is worth (Outcome's prior is the portal average, 50).</summary>
    public double UnknownDataScore { get; set; } = 40;

    public FitProfile Fit { get; set; } = new();

    public OutcomeProfile Outcome { get; set; } = new();

    public RecencyProfile Recency { get; set; } = new();

    public ClosePriorProfile CloseProbability { get; set; } = new();

    public NextBestActionProfile NextBestAction { get; set; } = new();

    public SimilarityProfile Similarity { get; set; } = new();

    /// <summary>Copies maps into case-insensitive frozen dictionaries so scoring does allocation-free lookups.</summary>
    internal ScoringProfile Normalized() => this with
    {
        Fit = Fit with
        {
            Industries = Freeze(Fit.Industries),
            Countries = Freeze(Fit.Countries),
            LeadSources = Freeze(Fit.LeadSources),
            LifecycleStages = Freeze(Fit.LifecycleStages),
        },
    };

    private static FrozenDictionary<string, double> Freeze(IReadOnlyDictionary<string, double>? map) =>
        (map ?? FrozenDictionary<string, double>.Empty).ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
}

/// <summary>An inclusive ideal range; values outside lose half their points per doubling of the distance.</summary>
public sealed record IdealRange(double Min, double Max);

/// <summary>Who the ideal customer is. Scores are 0–100 per value.</summary>
public sealed record FitProfile
{
    public IReadOnlyDictionary<string, double> Industries { get; set; } = new Dictionary<string, double>
    {
        ["COMPUTER_SOFTWARE"] = 100,
        ["INFORMATION_TECHNOLOGY_AND_SERVICES"] = 90,
        ["INTERNET"] = 90,
        ["COMPUTER_NETWORK_SECURITY"] = 85,
        ["FINANCIAL_SERVICES"] = 80,
        ["MARKETING_AND_ADVERTISING"] = 75,
        ["TELECOMMUNICATIONS"] = 70,
        ["MANAGEMENT_CONSULTING"] = 65,
        ["HOSPITAL_HEALTH_CARE"] = 60,
    };

    public double OtherIndustryScore { get; set; } = 35;

    public IdealRange Employees { get; set; } = new(50, 1000);

    public IdealRange AnnualRevenue { get; set; } = new(5_000_000, 500_000_000);

    public IReadOnlyDictionary<string, double> Countries { get; set; } = new Dictionary<string, double>
    {
        ["US"] = 100,
        ["CA"] = 90,
        ["GB"] = 90,
        ["IE"] = 85,
        ["DE"] = 85,
        ["NL"] = 80,
        ["CH"] = 80,
        ["AU"] = 80,
        ["SE"] = 75,
        ["FR"] = 75,
    };

    public double OtherCountryScore { get; set; } = 40;

    public IReadOnlyDictionary<string, double> LeadSources { get; set; } = new Dictionary<string, double>
    {
        ["REFERRALS"] = 95,
        ["ORGANIC_SEARCH"] = 80,
        ["DIRECT_TRAFFIC"] = 70,
        ["AI_REFERRALS"] = 70,
        ["EMAIL_MARKETING"] = 65,
        ["PAID_SEARCH"] = 60,
        ["OFFLINE"] = 55,
        ["SOCIAL_MEDIA"] = 50,
        ["PAID_SOCIAL"] = 45,
        ["OTHER_CAMPAIGNS"] = 45,
    };

    public double OtherLeadSourceScore { get; set; } = 40;

    public IReadOnlyDictionary<string, double> LifecycleStages { get; set; } = new Dictionary<string, double>
    {
        ["subscriber"] = 20,
        ["lead"] = 40,
        ["marketingqualifiedlead"] = 60,
        ["salesqualifiedlead"] = 80,
        ["opportunity"] = 90,
        ["customer"] = 75,
        ["evangelist"] = 70,
        ["other"] = 30,
    };

    /// <summary>Score of a lifecycle stage the map does not list (e.g. a custom stage).</summary>
    public double OtherLifecycleStageScore { get; set; } = 40;

    /// <summary>
    /// Stages of contacts that already bought (default customer, evangelist): never positive fit, and not in the call
    /// queue. LEAD_SCORE_CLOSED_LIFECYCLE_STAGES overrides the profile.
    /// </summary>
    public IReadOnlyList<string> ClosedLifecycleStages { get; set; } = DefaultClosedLifecycleStages;

    public static IReadOnlyList<string> DefaultClosedLifecycleStages { get; } = ["customer", "evangelist"];

    /// <summary>True when <paramref name="stage"/> is one of <see cref="ClosedLifecycleStages"/> (any case).</summary>
    public bool IsClosedStage(string? stage) =>
        stage is not null && ClosedLifecycleStages.Contains(stage, StringComparer.OrdinalIgnoreCase);
}

/// <summary>How deal history is judged against the portal.</summary>
public sealed record OutcomeProfile
{
    /// <summary>The portal's overall win rate of closed deals (0–1): what a lead with no history is assumed to have.</summary>
    public double PortalWinRate { get; set; } = 0.20;

    /// <summary>Pseudo-deals of prior: with n closed deals, the lead's own rate counts n / (n + strength).</summary>
    public double PriorStrength { get; set; } = 5;

    /// <summary>A typical won deal; twice this is worth +25 points, half of it −25.</summary>
    public double TargetDealSize { get; set; } = 25_000;

    /// <summary>A typical sales cycle in days; half as long is worth +25 points, twice as long −25.</summary>
    public double TypicalSalesCycleDays { get; set; } = 60;
}

/// <summary>How quickly engagement goes stale.</summary>
public sealed record RecencyProfile
{
    /// <summary>Days after which the last engagement is worth half (exponential decay).</summary>
    public double HalfLifeDays { get; set; } = 14;

    /// <summary>Response time at which the response factor is worth half.</summary>
    public double ResponseHalfLifeHours { get; set; } = 24;
}

/// <summary>
/// The uncalibrated close-probability prior used until a learned model exists:
/// p = 1 / (1 + e^−(score − Midpoint) / Scale).
/// </summary>
public sealed record ClosePriorProfile
{
    public double Midpoint { get; set; } = 85;

    public double Scale { get; set; } = 10;
}

/// <summary>Thresholds of the next-best-action rules.</summary>
public sealed record NextBestActionProfile
{
    /// <summary>An open deal at or past this HubSpot stage probability (0–1) makes the action Close.</summary>
    public double CloseStageProbability { get; set; } = 0.8;

    /// <summary>Engagement within this many days counts as "warm" for Follow-up.</summary>
    public double RecentEngagementDays { get; set; } = 14;
}

/// <summary>How much hand-classified look-alikes pull a lead's score.</summary>
public sealed record SimilarityProfile
{
    /// <summary>Neighbours consulted (k).</summary>
    public int Neighbours { get; set; } = 5;

    /// <summary>Neighbours less similar than this (cosine) are ignored.</summary>
    public double MinSimilarity { get; set; } = 0.5;

    /// <summary>
    /// The most the neighbours' scores can weigh in the total (0–1). The weight used is this times the neighbours'
    /// mean similarity, so near copies count fully and vague resemblances little.
    /// </summary>
    public double Weight { get; set; } = 0.25;
}
