using System.Text.Json.Serialization;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Core.Training;

/// <summary>How a sales manager classified an example lead.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<TrainingClassification>))]
public enum TrainingClassification
{
    Ideal,
    LessIdeal,
}

/// <summary>
/// A hand-classified example: the lead's features (PII-free), the manager's verdict, score and the attributes that
/// mattered, and a note with emails and phone numbers already removed.
/// </summary>
public sealed record TrainingRecord
{
    /// <summary><see cref="IdFor"/> of the contact for a record taken from one (one record per contact); random otherwise.</summary>
    public required string Id { get; init; }

    /// <summary>
    /// The id of a contact's training record: one per contact, so classifying again replaces it, and a lead's search
    /// for look-alikes can leave its own record out without a lookup.
    /// </summary>
    public static string IdFor(string contactId) => "c" + contactId;

    /// <summary>The HubSpot contact the example was taken from, if any.</summary>
    public string? ContactId { get; init; }

    public required TrainingClassification Classification { get; init; }

    /// <summary>0–100: how good a lead this is, in the manager's judgement.</summary>
    public required int Score { get; init; }

    /// <summary>Which aspects drove the verdict; values from <see cref="TrainingAttributes.Known"/>.</summary>
    public required IReadOnlyList<string> Attributes { get; init; }

    /// <summary>The manager's note with emails and phone numbers replaced by [email] / [phone].</summary>
    public string? Notes { get; init; }

    public required LeadFeatures Features { get; init; }

    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>Role of the caller who created it (never a person's name).</summary>
    public required string CreatedBy { get; init; }
}

/// <summary>The attributes a manager can say mattered.</summary>
internal static class TrainingAttributes
{
    public static IReadOnlySet<string> Known { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "industry", "company_size", "revenue", "geography", "lead_source", "lifecycle_stage",
        "email_engagement", "meetings", "calls", "recency", "deal_history", "deal_size", "sales_cycle",
        "budget", "authority", "need", "timeline", "champion", "competition",
    };
}
