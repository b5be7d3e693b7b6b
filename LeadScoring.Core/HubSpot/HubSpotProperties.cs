namespace LeadScoring.Core.HubSpot;

/// <summary>
/// The HubSpot properties the product reads — an allow-list: names, emails, phones, addresses and note or email
/// bodies are never requested, so PII does not even reach our process (except an email for workflow enrolment).
/// </summary>
internal static class HubSpotProperties
{
    /// <summary>Scoring inputs, plus the ai_* values currently in HubSpot so an unchanged score is not written again.</summary>
    public static IReadOnlyList<string> Contact { get; } =
    [
        "lifecyclestage", "hs_analytics_source", "country", "createdate", "lastmodifieddate", "hs_email_open", "hs_email_click",
        "notes_last_updated", "hs_last_sales_activity_timestamp", "num_associated_deals", "associatedcompanyid", "hubspot_owner_id",
        "ai_lead_score", "ai_lead_fit", "ai_close_probability", "ai_next_best_action", "ai_score_explanation", "ai_score_model_version",
    ];

    public static IReadOnlyList<string> Company { get; } = ["industry", "numberofemployees", "annualrevenue", "country"];

    public static IReadOnlyList<string> Deal { get; } =
    [
        "amount", "dealstage", "pipeline", "createdate", "closedate", "hs_is_closed_won", "hs_is_closed", "hs_deal_stage_probability",
    ];

    /// <summary>Engagement metadata: timestamps, directions and outcomes — never subjects or bodies.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Engagements { get; } = new Dictionary<string, IReadOnlyList<string>>
    {
        ["emails"] = ["hs_timestamp", "hs_email_direction", "hs_email_status"],
        ["meetings"] = ["hs_timestamp", "hs_meeting_outcome", "hs_meeting_start_time"],
        ["calls"] = ["hs_timestamp", "hs_call_direction", "hs_call_status", "hs_call_disposition", "hs_call_duration"],
        ["notes"] = ["hs_timestamp"],
    };

    /// <summary>HubSpot's call disposition id for "Connected".</summary>
    public const string CallConnectedDisposition = "f240bbac-87c9-4f6e-bf70-924b57d47db7";
}

/// <summary>The ai_* contact properties the product writes, in their own property group.</summary>
public static class LeadScoreProperties
{
    public const string GroupName = "ai_lead_scoring";
    public const string Score = "ai_lead_score";
    public const string Fit = "ai_lead_fit";
    public const string CloseProbability = "ai_close_probability";
    public const string NextBestAction = "ai_next_best_action";
    public const string Explanation = "ai_score_explanation";
    public const string ModelVersion = "ai_score_model_version";

    public static HubSpotPropertyGroup Group { get; } = new() { Name = GroupName, Label = "AI lead scoring", DisplayOrder = -1 };

    public static IReadOnlyList<HubSpotPropertyDefinition> Definitions { get; } =
    [
        new() { Name = Score, Label = "AI lead score", Type = "number", FieldType = "number", GroupName = GroupName, Description = "0–100: Fit 30%, Engagement 30%, Outcome 20%, Recency 20%." },
        new()
        {
            Name = Fit, Label = "AI lead fit", Type = "enumeration", FieldType = "select", GroupName = GroupName, Description = "Priority: High 80–100, Medium 50–79, Low 0–49.",
            Options = [new() { Label = "High", Value = "High", DisplayOrder = 0 }, new() { Label = "Medium", Value = "Medium", DisplayOrder = 1 }, new() { Label = "Low", Value = "Low", DisplayOrder = 2 }],
        },
        new() { Name = CloseProbability, Label = "AI close probability", Type = "number", FieldType = "number", GroupName = GroupName, Description = "0–100 % chance the lead closes." },
        new()
        {
            Name = NextBestAction, Label = "AI next best action", Type = "enumeration", FieldType = "select", GroupName = GroupName,
            Options = [new() { Label = "Follow-up", Value = "Follow-up", DisplayOrder = 0 }, new() { Label = "Nurture", Value = "Nurture", DisplayOrder = 1 }, new() { Label = "Close", Value = "Close", DisplayOrder = 2 }],
        },
        new() { Name = Explanation, Label = "AI score explanation", Type = "string", FieldType = "textarea", GroupName = GroupName, Description = "Why the lead scored as it did." },
        new() { Name = ModelVersion, Label = "AI score model version", Type = "string", FieldType = "text", GroupName = GroupName },
    ];

    /// <summary>Names of every property we write: webhook events about these are echoes of our own writes.</summary>
    public static IReadOnlySet<string> Names { get; } = Definitions.Select(d => d.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
}
