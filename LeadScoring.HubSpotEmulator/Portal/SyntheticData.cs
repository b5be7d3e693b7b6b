namespace LeadScoring.HubSpotEmulator.Portal;

/// <summary>Word lists the generator draws from. Countries are free text, with the variants people type into HubSpot.</summary>
internal static class SyntheticData
{
    public static readonly string[] FirstNames =
    [
        "James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David", "Elizabeth", "William", "Barbara",
        "Richard", "Susan", "Joseph", "Jessica", "Thomas", "Sarah", "Daniel", "Karen", "Matthew", "Nancy", "Anthony", "Lisa",
        "Mark", "Betty", "Steven", "Sandra", "Paul", "Ashley", "Andrew", "Emily", "Joshua", "Michelle", "Kevin", "Amanda",
        "Lukas", "Anna", "Jonas", "Lena", "Felix", "Sophie", "Oliver", "Amelia", "Harry", "Isla", "Lucas", "Chloé", "Hugo",
        "Léa", "Sven", "Astrid", "Daan", "Saskia", "Raj", "Priya", "Arjun", "Ananya", "Hiroshi", "Yuki", "João", "Mariana",
        "Siobhan", "Connor", "Zoë", "Mateo", "Lucía", "Ahmed", "Fatima", "Wei", "Mei",
    ];

    public static readonly string[] LastNames =
    [
        "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez", "Wilson",
        "Anderson", "Taylor", "Thomas", "Moore", "Jackson", "Martin", "Lee", "Thompson", "White", "Harris", "Clark", "Lewis",
        "Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker", "Wagner", "Hoffmann", "Dubois", "Lefèvre", "Moreau",
        "de Vries", "van Dijk", "Jansen", "Andersson", "Johansson", "Lindqvist", "O'Brien", "Murphy", "Kelly", "Patel",
        "Sharma", "Gupta", "Singh", "Tanaka", "Suzuki", "Sato", "Silva", "Santos", "Oliveira", "Fernández", "López", "Chen",
        "Wang", "Kim", "Nguyen", "Novak",
    ];

    public static readonly string[] CompanyPrefixes =
    [
        "North", "Blue", "Bright", "Iron", "Silver", "Green", "Summit", "Harbor", "Pioneer", "Atlas", "Vertex", "Nimbus",
        "Quantum", "Cedar", "Falcon", "Orbit", "Granite", "Lumen", "Apex", "Crescent", "Beacon", "Evergreen", "Keystone",
        "Meridian", "Nova", "Polar", "Redwood", "Sterling", "Tidal", "Zephyr",
    ];

    public static readonly string[] CompanyNouns =
    [
        "wind", "field", "stone", "bridge", "path", "works", "point", "wave", "line", "gate", "light", "forge", "peak", "leaf",
        "craft", "scale", "grid", "loop", "shift", "core",
    ];

    public static readonly string[] CompanyKinds =
    [
        "Analytics", "Systems", "Labs", "Solutions", "Logistics", "Health", "Capital", "Foods", "Manufacturing", "Media",
        "Software", "Consulting", "Retail", "Energy", "Partners", "Technologies", "Insurance", "Networks", "Robotics", "Studios",
    ];

    public static readonly string[] Streets =
    [
        "Main Street", "Oak Avenue", "Maple Drive", "Market Street", "Hauptstraße", "Bahnhofstraße", "High Street",
        "Church Road", "Rue de la Paix", "Keizersgracht", "Sveavägen", "King Street", "Queen Street", "Elm Street",
        "Park Lane", "Calle Mayor", "Avenida Paulista", "MG Road", "Chuo-dori",
    ];

    public static readonly string[] EmailSubjects =
    [
        "Quick question", "Following up on our conversation", "Pricing for your team", "Next steps", "Case study you asked for",
        "Intro: {company} x our platform", "Re: demo request", "Checking in", "Proposal attached", "Your trial is ending soon",
    ];

    public static readonly string[] NoteTopics =
    [
        "budget approved for next quarter", "evaluating two competitors", "wants a security review before signing",
        "asked for a custom pilot", "decision maker is the VP of Sales", "not a priority until next year",
        "very interested in the reporting module", "needs integration with their ERP", "price is the main objection",
        "champion is moving to another team",
    ];

    public static readonly string[] FreeMailDomains = ["gmail.com", "outlook.com", "yahoo.com", "proton.me", "web.de", "hotmail.co.uk"];

    /// <summary>Job titles with how much seniority helps fit.</summary>
    public static readonly (string Title, double Fit)[] JobTitles =
    [
        ("CEO", 0.6), ("Founder", 0.5), ("CTO", 0.6), ("CFO", 0.4), ("VP of Sales", 0.6), ("VP Marketing", 0.5),
        ("Head of Operations", 0.4), ("Director of IT", 0.4), ("Director of Marketing", 0.4), ("Sales Manager", 0.2),
        ("Marketing Manager", 0.2), ("Product Manager", 0.2), ("Software Engineer", -0.2), ("Account Executive", 0),
        ("Data Analyst", -0.1), ("Office Manager", -0.3), ("Marketing Coordinator", -0.2), ("Intern", -1.0), ("Student", -1.0),
        ("Consultant", 0),
    ];

    public static readonly (string Source, double Fit)[] Sources =
    [
        ("ORGANIC_SEARCH", 0.1), ("PAID_SEARCH", 0), ("EMAIL_MARKETING", 0.1), ("SOCIAL_MEDIA", -0.2), ("REFERRALS", 0.4),
        ("OTHER_CAMPAIGNS", -0.1), ("DIRECT_TRAFFIC", 0), ("OFFLINE", 0.2), ("PAID_SOCIAL", -0.3),
    ];

    /// <summary>Country as stored (with typed variants), its canonical name, weight, phone prefix, top-level domain, cities.</summary>
    public static readonly Country[] Countries =
    [
        new("United States", 30, "+1", "com", ["New York", "San Francisco", "Austin", "Chicago", "Boston", "Seattle"], ["USA", "US", "United States of America"]),
        new("United Kingdom", 10, "+44", "co.uk", ["London", "Manchester", "Edinburgh", "Bristol"], ["UK", "England", "Great Britain"]),
        new("Germany", 10, "+49", "de", ["Berlin", "Munich", "Hamburg", "Cologne"], ["Deutschland", "DE"]),
        new("Canada", 6, "+1", "ca", ["Toronto", "Vancouver", "Montreal"], []),
        new("France", 5, "+33", "fr", ["Paris", "Lyon", "Toulouse"], []),
        new("Netherlands", 4, "+31", "nl", ["Amsterdam", "Rotterdam", "Utrecht"], ["The Netherlands", "Holland"]),
        new("Australia", 4, "+61", "com.au", ["Sydney", "Melbourne", "Brisbane"], []),
        new("Spain", 3, "+34", "es", ["Madrid", "Barcelona", "Valencia"], ["España"]),
        new("Sweden", 3, "+46", "se", ["Stockholm", "Gothenburg"], []),
        new("India", 5, "+91", "in", ["Bengaluru", "Mumbai", "Pune"], []),
        new("Brazil", 4, "+55", "com.br", ["São Paulo", "Rio de Janeiro"], ["Brasil"]),
        new("Japan", 3, "+81", "jp", ["Tokyo", "Osaka"], []),
        new("Ireland", 2, "+353", "ie", ["Dublin", "Cork"], []),
    ];

    public static readonly (string Id, string Name)[] Owners =
        [("81000001", "Alex Rivera"), ("81000002", "Sam Becker"), ("81000003", "Jordan Lee"), ("81000004", "Taylor Nguyen")];

    /// <summary>hs_call_disposition GUIDs HubSpot defines.</summary>
    public const string CallConnected = "f240bbac-87c9-4f6e-bf70-924b57d47db7";
    public const string CallNoAnswer = "73a0d17f-1163-4015-bdd5-ec830791da20";
    public const string CallLeftVoicemail = "b2cf5968-551e-4856-9783-52b3da59a7d0";
    public const string CallBusy = "9d9162e7-6cf3-4944-bf63-4dff82258764";

    public static double IndustryFit(string? industry) => industry switch
    {
        "COMPUTER_SOFTWARE" or "INFORMATION_TECHNOLOGY_AND_SERVICES" or "INTERNET" => 0.8,
        "FINANCIAL_SERVICES" or "BANKING" or "INSURANCE" => 0.6,
        "MARKETING_AND_ADVERTISING" or "MANAGEMENT_CONSULTING" or "TELECOMMUNICATIONS" => 0.4,
        "RETAIL" or "HOSPITALITY" or "NONPROFIT_ORGANIZATION_MANAGEMENT" or "EDUCATION_MANAGEMENT" or "FOOD_BEVERAGES" => -0.6,
        null => -0.3,
        _ => 0,
    };

    public static double CountryFit(string? country) =>
        Countries.FirstOrDefault(c => c.Matches(country)) switch
        {
            null => -0.3,
            { Name: "United States" or "United Kingdom" or "Germany" or "Canada" or "Australia" or "Netherlands" or "Ireland" } => 0.2,
            _ => -0.2,
        };

    public static double SizeFit(long? employees) => employees switch
    {
        null => -0.2,
        < 10 => -0.7,
        < 50 => 0,
        <= 1000 => 0.5,
        _ => 0.3,
    };
}

internal sealed record Country(string Name, int Weight, string PhonePrefix, string Tld, string[] Cities, string[] Variants)
{
    public bool Matches(string? value) =>
        value is not null && (string.Equals(Name, value, StringComparison.OrdinalIgnoreCase) || Variants.Contains(value, StringComparer.OrdinalIgnoreCase));
}
