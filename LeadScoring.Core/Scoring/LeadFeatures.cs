namespace LeadScoring.Core.Scoring;

/// <summary>
/// Everything scoring sees about one lead: HubSpot object ids and derived numbers only.
/// Never names, emails, phone numbers, addresses or free-text notes.
/// </summary>
/// <remarks>
/// Every field is optional: <c>null</c> means "unknown", which lowers confidence, while <c>0</c> means
/// "known to be zero" (e.g. we looked and there were no meetings). The two are never conflated.
/// </remarks>
public sealed record LeadFeatures
{
    /// <summary>HubSpot contact id (hs_object_id).</summary>
    public string? ContactId { get; init; }

    /// <summary>HubSpot id of the contact's primary company.</summary>
    public string? CompanyId { get; init; }

    /// <summary>When these features were observed; recency is measured from here (default: now).</summary>
    public DateTimeOffset? AsOf { get; init; }

    // ---- Fit: who the lead is -------------------------------------------------------------

    /// <summary>HubSpot company industry code, e.g. <c>COMPUTER_SOFTWARE</c>.</summary>
    public string? Industry { get; init; }

    public int? EmployeeCount { get; init; }

    /// <summary>Company annual revenue in the portal's currency.</summary>
    public double? AnnualRevenue { get; init; }

    /// <summary>ISO 3166-1 alpha-2 country code of the company, e.g. <c>DE</c>.</summary>
    public string? Country { get; init; }

    /// <summary>HubSpot original traffic source (hs_analytics_source), e.g. <c>ORGANIC_SEARCH</c>.</summary>
    public string? LeadSource { get; init; }

    /// <summary>HubSpot lifecycle stage, e.g. <c>salesqualifiedlead</c>.</summary>
    public string? LifecycleStage { get; init; }

    // ---- Engagement: what the lead has done (counts over EngagementWindowDays) ----------------

    /// <summary>Days the engagement counts cover (e.g. 90); used to phrase reasons.</summary>
    public int? EngagementWindowDays { get; init; }

    public int? EmailOpens { get; init; }

    public int? EmailClicks { get; init; }

    public int? EmailReplies { get; init; }

    public int? MeetingsBooked { get; init; }

    /// <summary>Meetings that took place (HubSpot outcome COMPLETED); never more than booked.</summary>
    public int? MeetingsAttended { get; init; }

    public int? CallsAttempted { get; init; }

    /// <summary>Calls that reached the lead (HubSpot disposition Connected); never more than attempted.</summary>
    public int? CallsConnected { get; init; }

    /// <summary>All logged engagements (emails, meetings, calls, notes, tasks).</summary>
    public int? TotalEngagements { get; init; }

    // ---- Recency: how lately and how often -----------------------------------------------

    public DateTimeOffset? LastEngagementAt { get; init; }

    public int? ActivitiesLast7Days { get; init; }

    public int? ActivitiesLast30Days { get; init; }

    public int? ActivitiesLast90Days { get; init; }

    /// <summary>Median hours the lead took to answer our outreach.</summary>
    public double? MedianResponseHours { get; init; }

    // ---- Outcome: what deals did ---------------------------------------------------------

    /// <summary>All deals associated with the lead (open and closed).</summary>
    public int? DealsCount { get; init; }

    public int? DealsWon { get; init; }

    public int? DealsLost { get; init; }

    /// <summary>Mean amount of the lead's closed-won deals.</summary>
    public double? AverageWonAmount { get; init; }

    /// <summary>Median days from deal creation to close over the lead's closed deals.</summary>
    public double? MedianSalesCycleDays { get; init; }

    /// <summary>Portal-wide win rate (0–1) of closed deals in the lead's industry.</summary>
    public double? IndustryWinRate { get; init; }

    /// <summary>HubSpot stage probability (0–1) of the lead's most advanced open deal, if any.</summary>
    public double? OpenDealStageProbability { get; init; }
}
