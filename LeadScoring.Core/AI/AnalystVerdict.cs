using System.Text.Json.Serialization;

namespace LeadScoring.Core.AI;

/// <summary>
/// What the AI analyst concluded about a lead, or why its answer was not used. When <see cref="Fallback"/> is true the
/// deterministic score stands, <see cref="FallbackReason"/> says why (never a secret) and the analyst fields are null.
/// </summary>
/// <param name="Score">The analyst's 0–100 score; null on fallback.</param>
/// <param name="Fit">High, Medium or Low (the bands 80 / 50); null on fallback.</param>
/// <param name="NextBestAction">Follow-up, Nurture or Close; null on fallback.</param>
/// <param name="Reasons">1–5 plain-English reasons; empty on fallback.</param>
/// <param name="Confidence">The analyst's own 0–1 confidence; null on fallback.</param>
/// <param name="Model">The deployment (or model) that answered, or <c>none</c> when the analyst is off.</param>
public sealed record AnalystVerdict(
    bool Fallback,
    string? FallbackReason,
    int? Score,
    string? Fit,
    string? NextBestAction,
    IReadOnlyList<string> Reasons,
    double? Confidence,
    string Model)
{
    /// <summary>The model name given when no model was asked.</summary>
    public const string NoModel = "none";

    /// <summary>True when the analyst's answer is used (the opposite of <see cref="Fallback"/>).</summary>
    [JsonIgnore]
    public bool Used => !Fallback;

    /// <summary>A verdict that keeps the deterministic score, with the reason why.</summary>
    public static AnalystVerdict Declined(string reason, string model) => new(true, reason, null, null, null, [], null, model);
}

/// <summary>Source-generated JSON for the analyst's verdict (camelCase, like the score document).</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AnalystVerdict))]
internal sealed partial class AnalystJsonContext : JsonSerializerContext;
