using System.Collections.Frozen;

namespace LeadScoring.Core.Scoring;

/// <summary>
/// The HubSpot and ISO codes scoring understands, with the words a sales rep reads in reasons.
/// Profiles are validated against these so a typo ("COMPUTER_SOFTWARES") fails loudly instead of never matching.
/// </summary>
internal static class Vocabulary
{
    /// <summary>Values of HubSpot's company <c>industry</c> property.</summary>
    public static FrozenSet<string> Industries { get; } = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "ACCOUNTING", "AIRLINES_AVIATION", "ALTERNATIVE_DISPUTE_RESOLUTION", "ALTERNATIVE_MEDICINE",
        "ANIMATION", "APPAREL_FASHION", "ARCHITECTURE_PLANNING", "ARTS_AND_CRAFTS",
        "AUTOMOTIVE", "AVIATION_AEROSPACE", "BANKING", "BIOTECHNOLOGY",
        "BROADCAST_MEDIA", "BUILDING_MATERIALS", "BUSINESS_SUPPLIES_AND_EQUIPMENT", "CAPITAL_MARKETS",
        "CHEMICALS", "CIVIC_SOCIAL_ORGANIZATION", "CIVIL_ENGINEERING", "COMMERCIAL_REAL_ESTATE",
        "COMPUTER_NETWORK_SECURITY", "COMPUTER_GAMES", "COMPUTER_HARDWARE", "COMPUTER_NETWORKING",
        "COMPUTER_SOFTWARE", "INTERNET", "CONSTRUCTION", "CONSUMER_ELECTRONICS",
        "CONSUMER_GOODS", "CONSUMER_SERVICES", "COSMETICS", "DAIRY",
        "DEFENSE_SPACE", "DESIGN", "EDUCATION_MANAGEMENT", "E_LEARNING",
        "ELECTRICAL_ELECTRONIC_MANUFACTURING", "ENTERTAINMENT", "ENVIRONMENTAL_SERVICES", "EVENTS_SERVICES",
        "EXECUTIVE_OFFICE", "FACILITIES_SERVICES", "FARMING", "FINANCIAL_SERVICES",
        "FINE_ART", "FISHERY", "FOOD_BEVERAGES", "FOOD_PRODUCTION",
        "FUND_RAISING", "FURNITURE", "GAMBLING_CASINOS", "GLASS_CERAMICS_CONCRETE",
        "GOVERNMENT_ADMINISTRATION", "GOVERNMENT_RELATIONS", "GRAPHIC_DESIGN", "HEALTH_WELLNESS_AND_FITNESS",
        "HIGHER_EDUCATION", "HOSPITAL_HEALTH_CARE", "HOSPITALITY", "HUMAN_RESOURCES",
        "IMPORT_AND_EXPORT", "INDIVIDUAL_FAMILY_SERVICES", "INDUSTRIAL_AUTOMATION", "INFORMATION_SERVICES",
        "INFORMATION_TECHNOLOGY_AND_SERVICES", "INSURANCE", "INTERNATIONAL_AFFAIRS", "INTERNATIONAL_TRADE_AND_DEVELOPMENT",
        "INVESTMENT_BANKING", "INVESTMENT_MANAGEMENT", "JUDICIARY", "LAW_ENFORCEMENT",
        "LAW_PRACTICE", "LEGAL_SERVICES", "LEGISLATIVE_OFFICE", "LEISURE_TRAVEL_TOURISM",
        "LIBRARIES", "LOGISTICS_AND_SUPPLY_CHAIN", "LUXURY_GOODS_JEWELRY", "MACHINERY",
        "MANAGEMENT_CONSULTING", "MARITIME", "MARKET_RESEARCH", "MARKETING_AND_ADVERTISING",
        "MECHANICAL_OR_INDUSTRIAL_ENGINEERING", "MEDIA_PRODUCTION", "MEDICAL_DEVICES", "MEDICAL_PRACTICE",
        "MENTAL_HEALTH_CARE", "MILITARY", "MINING_METALS", "MOBILE_GAMES",
        "MOTION_PICTURES_AND_FILM", "MUSEUMS_AND_INSTITUTIONS", "MUSIC", "NANOTECHNOLOGY",
        "NEWSPAPERS", "NON_PROFIT_ORGANIZATION_MANAGEMENT", "OIL_ENERGY", "ONLINE_MEDIA",
        "OUTSOURCING_OFFSHORING", "PACKAGE_FREIGHT_DELIVERY", "PACKAGING_AND_CONTAINERS", "PAPER_FOREST_PRODUCTS",
        "PERFORMING_ARTS", "PHARMACEUTICALS", "PHILANTHROPY", "PHOTOGRAPHY",
        "PLASTICS", "POLITICAL_ORGANIZATION", "PRIMARY_SECONDARY_EDUCATION", "PRINTING",
        "PROFESSIONAL_TRAINING_COACHING", "PROGRAM_DEVELOPMENT", "PUBLIC_POLICY", "PUBLIC_RELATIONS_AND_COMMUNICATIONS",
        "PUBLIC_SAFETY", "PUBLISHING", "RAILROAD_MANUFACTURE", "RANCHING",
        "REAL_ESTATE", "RECREATIONAL_FACILITIES_AND_SERVICES", "RELIGIOUS_INSTITUTIONS", "RENEWABLES_ENVIRONMENT",
        "RESEARCH", "RESTAURANTS", "RETAIL", "SECURITY_AND_INVESTIGATIONS",
        "SEMICONDUCTORS", "SHIPBUILDING", "SPORTING_GOODS", "SPORTS",
        "STAFFING_AND_RECRUITING", "SUPERMARKETS", "TELECOMMUNICATIONS", "TEXTILES",
        "THINK_TANKS", "TOBACCO", "TRANSLATION_AND_LOCALIZATION", "TRANSPORTATION_TRUCKING_RAILROAD",
        "UTILITIES", "VENTURE_CAPITAL_PRIVATE_EQUITY", "VETERINARY", "WAREHOUSING",
        "WHOLESALE", "WINE_AND_SPIRITS", "WIRELESS", "WRITING_AND_EDITING",
    ]);

    /// <summary>ISO 3166-1 alpha-2 codes (plus XK, Kosovo, which HubSpot and most CRMs accept).</summary>
    public static FrozenSet<string> Countries { get; } = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "AD", "AE", "AF", "AG", "AI", "AL", "AM", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AX", "AZ",
        "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BL", "BM", "BN", "BO", "BQ", "BR", "BS",
        "BT", "BV", "BW", "BY", "BZ", "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN",
        "CO", "CR", "CU", "CV", "CW", "CX", "CY", "CZ", "DE", "DJ", "DK", "DM", "DO", "DZ", "EC", "EE",
        "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "GA", "GB", "GD", "GE", "GF",
        "GG", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK", "HM",
        "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IM", "IN", "IO", "IQ", "IR", "IS", "IT", "JE", "JM",
        "JO", "JP", "KE", "KG", "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC",
        "LI", "LK", "LR", "LS", "LT", "LU", "LV", "LY", "MA", "MC", "MD", "ME", "MF", "MG", "MH", "MK",
        "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW", "MX", "MY", "MZ", "NA",
        "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF", "PG",
        "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RS", "RU", "RW",
        "SA", "SB", "SC", "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "SS",
        "ST", "SV", "SX", "SY", "SZ", "TC", "TD", "TF", "TG", "TH", "TJ", "TK", "TL", "TM", "TN", "TO",
        "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ", "VA", "VC", "VE", "VG", "VI",
        "VN", "VU", "WF", "WS", "XK", "YE", "YT", "ZA", "ZM", "ZW",
    ]);

    /// <summary>Values of HubSpot's contact <c>hs_analytics_source</c> (original traffic source).</summary>
    public static FrozenSet<string> LeadSources { get; } = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "ORGANIC_SEARCH", "PAID_SEARCH", "EMAIL_MARKETING", "SOCIAL_MEDIA", "REFERRALS",
        "OTHER_CAMPAIGNS", "DIRECT_TRAFFIC", "OFFLINE", "PAID_SOCIAL", "AI_REFERRALS",
    ]);

    /// <summary>HubSpot's default lifecycle stages; portals may add custom stages, whose internal ids are numeric.</summary>
    public static FrozenSet<string> LifecycleStages { get; } = FrozenSet.Create(StringComparer.OrdinalIgnoreCase,
    [
        "subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead",
        "opportunity", "customer", "evangelist", "other",
    ]);

    private static readonly FrozenDictionary<string, string> DisplayNames = BuildDisplayNames();

    /// <summary>True for a default lifecycle stage or a custom one (numeric internal id).</summary>
    public static bool IsLifecycleStage(string value) =>
        LifecycleStages.Contains(value) || (value.Length is > 0 and <= 20 && value.All(char.IsAsciiDigit));

    /// <summary>Readable name for a code ("COMPUTER_SOFTWARE" → "Computer software"); unknown codes come back as given.</summary>
    public static string Display(string code) => DisplayNames.TryGetValue(code, out var name) ? name : code;

    private static FrozenDictionary<string, string> BuildDisplayNames()
    {
        var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
        {
            ["marketingqualifiedlead"] = "Marketing qualified lead",
            ["salesqualifiedlead"] = "Sales qualified lead",
            ["INFORMATION_TECHNOLOGY_AND_SERVICES"] = "IT services",
            ["E_LEARNING"] = "E-learning",
            ["AI_REFERRALS"] = "AI referrals",
        };
        foreach (var code in Industries.Concat(LeadSources).Concat(LifecycleStages))
        {
            if (!names.ContainsKey(code))
            {
                var words = code.Replace('_', ' ').ToLowerInvariant();
                names[code] = char.ToUpperInvariant(words[0]) + words[1..];
            }
        }

        return names.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);
    }
}
