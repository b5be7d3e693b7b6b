using System.Globalization;

namespace LeadScoring.Core.Insights;

/// <summary>Readable names for HubSpot's enumeration codes (lead sources, industries, lifecycle stages) in reports.</summary>
internal static class HubSpotLabels
{
    /// <summary>HubSpot's own labels of <c>hs_analytics_source</c>, where they are not the code in words.</summary>
    private static readonly Dictionary<string, string> Sources = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ORGANIC_SEARCH"] = "Organic search",
        ["PAID_SEARCH"] = "Paid search",
        ["EMAIL_MARKETING"] = "Email marketing",
        ["SOCIAL_MEDIA"] = "Organic social",
        ["PAID_SOCIAL"] = "Paid social",
        ["REFERRALS"] = "Referrals",
        ["OTHER_CAMPAIGNS"] = "Other campaigns",
        ["DIRECT_TRAFFIC"] = "Direct traffic",
        ["OFFLINE"] = "Offline sources",
        ["AI_REFERRALS"] = "AI referrals",
        ["unknown"] = "Unknown",
    };

    /// <summary><c>OTHER_CAMPAIGNS</c> → "Other campaigns"; an unknown code in words (<c>COMPUTER_SOFTWARE</c> → "Computer software").</summary>
    public static string Readable(string code)
    {
        ArgumentNullException.ThrowIfNull(code);
        if (Sources.TryGetValue(code, out var known))
        {
            return known;
        }

        var words = code.Replace('_', ' ').Trim();
        if (words.Length == 0 || words.Any(char.IsLower))
        {
            return words; // already words (or a pooled group's own label)
        }

        var lower = words.ToLower(CultureInfo.InvariantCulture);
        return char.ToUpper(lower[0], CultureInfo.InvariantCulture) + lower[1..];
    }
}
