using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;

namespace LeadScoring.Core.Pipeline;

/// <summary>What a score looks like as HubSpot contact properties, and a digest to tell whether it changed.</summary>
internal static class LeadScoreWriteback
{
    /// <summary>HubSpot text properties hold 64 KB; the explanation stays far below.</summary>
    public const int MaxExplanationLength = 2000;

    public static Dictionary<string, string> ToProperties(LeadScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        return new Dictionary<string, string>
        {
            [LeadScoreProperties.Score] = score.Score.ToString(CultureInfo.InvariantCulture),
            [LeadScoreProperties.Fit] = score.Priority.ToString(),
            [LeadScoreProperties.CloseProbability] = score.CloseProbability.ToString(CultureInfo.InvariantCulture),
            [LeadScoreProperties.NextBestAction] = ActionText(score.NextBestAction),
            [LeadScoreProperties.Explanation] = Explanation(score),
            [LeadScoreProperties.ModelVersion] = score.ModelVersion,
        };
    }

    /// <summary>A rep-readable paragraph: the action and why, then the top reasons with their points.</summary>
    public static string Explanation(LeadScore score)
    {
        ArgumentNullException.ThrowIfNull(score);
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{score.Priority} ({score.Score}/100). {ActionText(score.NextBestAction)}: {score.NextBestActionReason}.");
        foreach (var reason in score.TopReasons)
        {
            text.Append(CultureInfo.InvariantCulture, $" {(reason.Impact >= 0 ? "+" : "")}{reason.Impact:0.#} {reason.Text}.");
        }

        if (score.BandNote is { } note)
        {
            text.Append(' ').Append(note);
        }

        if (score.Confidence < 0.5)
        {
            text.Append(CultureInfo.InvariantCulture, $" Low confidence ({score.Confidence:0.##}): {score.MissingData.Count} factors have no data.");
        }

        return text.Length <= MaxExplanationLength ? text.ToString() : text.ToString(0, MaxExplanationLength - 1) + "…";
    }

    /// <summary>True when the contact, as read from HubSpot, already holds exactly these values.</summary>
    public static bool Matches(HubSpotObject contact, IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(contact);
        ArgumentNullException.ThrowIfNull(properties);
        return properties.All(p => contact.Properties.TryGetValue(p.Key, out var current) && current == p.Value);
    }

    /// <summary>
    /// True when what we recorded writing holds these values for every property a rep sees (score, fit, close
    /// probability, next best action, model version). The explanation is left out: its "N days ago" wording alone
    /// is no reason to write again.
    /// </summary>
    public static bool Holds(this LastWrittenScore last, IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(last);
        ArgumentNullException.ThrowIfNull(properties);
        return properties[LeadScoreProperties.Score] == last.Score.ToString(CultureInfo.InvariantCulture)
            && properties[LeadScoreProperties.Fit] == last.Priority
            && properties[LeadScoreProperties.CloseProbability] == last.CloseProbability.ToString(CultureInfo.InvariantCulture)
            && properties[LeadScoreProperties.NextBestAction] == last.NextBestAction
            && properties[LeadScoreProperties.ModelVersion] == last.ModelVersion;
    }

    /// <summary>SHA-256 over the properties in a fixed order: equal digests mean nothing to write.</summary>
    public static string Digest(IReadOnlyDictionary<string, string> properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var canonical = string.Join('\n', properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static string ActionText(NextBestAction action) => action switch
    {
        NextBestAction.FollowUp => "Follow-up",
        NextBestAction.Close => "Close",
        _ => "Nurture",
    };
}
