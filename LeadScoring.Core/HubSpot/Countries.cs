using System.Collections.Frozen;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Core.HubSpot;

/// <summary>HubSpot's country property is free text ("United States", "USA", "Deutschland"); scoring wants ISO codes.</summary>
internal static class Countries
{
    private static readonly FrozenDictionary<string, string> Names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["united states"] = "US", ["united states of america"] = "US", ["usa"] = "US", ["u.s."] = "US", ["u.s.a."] = "US", ["america"] = "US",
        ["canada"] = "CA", ["mexico"] = "MX", ["brazil"] = "BR", ["brasil"] = "BR", ["argentina"] = "AR", ["chile"] = "CL", ["colombia"] = "CO",
        ["united kingdom"] = "GB", ["uk"] = "GB", ["great britain"] = "GB", ["england"] = "GB", ["scotland"] = "GB", ["wales"] = "GB",
        ["ireland"] = "IE", ["germany"] = "DE", ["deutschland"] = "DE", ["france"] = "FR", ["spain"] = "ES", ["españa"] = "ES",
        ["italy"] = "IT", ["italia"] = "IT", ["netherlands"] = "NL", ["the netherlands"] = "NL", ["holland"] = "NL", ["belgium"] = "BE",
        ["switzerland"] = "CH", ["schweiz"] = "CH", ["austria"] = "AT", ["österreich"] = "AT", ["sweden"] = "SE", ["norway"] = "NO",
        ["denmark"] = "DK", ["finland"] = "FI", ["poland"] = "PL", ["portugal"] = "PT", ["czech republic"] = "CZ", ["czechia"] = "CZ",
        ["greece"] = "GR", ["hungary"] = "HU", ["romania"] = "RO", ["turkey"] = "TR", ["türkiye"] = "TR", ["israel"] = "IL",
        ["united arab emirates"] = "AE", ["uae"] = "AE", ["saudi arabia"] = "SA", ["south africa"] = "ZA", ["nigeria"] = "NG", ["kenya"] = "KE",
        ["egypt"] = "EG", ["india"] = "IN", ["china"] = "CN", ["japan"] = "JP", ["south korea"] = "KR", ["korea"] = "KR", ["singapore"] = "SG",
        ["hong kong"] = "HK", ["taiwan"] = "TW", ["australia"] = "AU", ["new zealand"] = "NZ", ["indonesia"] = "ID", ["malaysia"] = "MY",
        ["philippines"] = "PH", ["thailand"] = "TH", ["vietnam"] = "VN", ["pakistan"] = "PK", ["bangladesh"] = "BD", ["russia"] = "RU",
        ["ukraine"] = "UA", ["luxembourg"] = "LU", ["iceland"] = "IS", ["estonia"] = "EE", ["latvia"] = "LV", ["lithuania"] = "LT",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    /// <summary>ISO 3166-1 alpha-2 code for a country name or code, or null when it cannot be recognised.</summary>
    public static string? ToIsoCode(string? country)
    {
        var value = country?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (value.Length == 2 && Vocabulary.Countries.Contains(value))
        {
            return value.ToUpperInvariant();
        }

        return Names.TryGetValue(value, out var code) ? code : null;
    }
}
