namespace LeadScoring.HubSpotEmulator.Portal;

/// <summary>
/// A CRM object type: its names on the wire, which properties hold its creation and modification times, and the
/// properties HubSpot returns when a request names none.
/// </summary>
internal sealed class ObjectType
{
    private ObjectType(string name, string singular, string typeId, string createdProperty, string modifiedProperty, long firstId, bool webhooks, string[] defaults)
    {
        Name = name;
        Singular = singular;
        TypeId = typeId;
        CreatedProperty = createdProperty;
        ModifiedProperty = modifiedProperty;
        FirstId = firstId;
        HasWebhooks = webhooks;
        DefaultProperties = defaults;
    }

    public static ObjectType Contacts { get; } = new("contacts", "contact", "0-1", "createdate", "lastmodifieddate", 1001, true,
        ["createdate", "email", "firstname", "hs_object_id", "lastmodifieddate", "lastname"]);

    public static ObjectType Companies { get; } = new("companies", "company", "0-2", "createdate", "hs_lastmodifieddate", 5_000_001, true,
        ["createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"]);

    public static ObjectType Deals { get; } = new("deals", "deal", "0-3", "createdate", "hs_lastmodifieddate", 9_000_001, true,
        ["amount", "closedate", "createdate", "dealname", "dealstage", "hs_lastmodifieddate", "hs_object_id", "pipeline"]);

    public static ObjectType Notes { get; } = Engagement("notes", "note", "0-46", 60_000_001);

    public static ObjectType Meetings { get; } = Engagement("meetings", "meeting", "0-47", 40_000_001);

    public static ObjectType Calls { get; } = Engagement("calls", "call", "0-48", 50_000_001);

    public static ObjectType Emails { get; } = Engagement("emails", "email", "0-49", 30_000_001);

    public static IReadOnlyList<ObjectType> All { get; } = [Contacts, Companies, Deals, Emails, Meetings, Calls, Notes];

    /// <summary>Plural, e.g. "contacts": the name used in v3 paths and association blocks.</summary>
    public string Name { get; }

    public string Singular { get; }

    public string TypeId { get; }

    public string CreatedProperty { get; }

    /// <summary><c>lastmodifieddate</c> for contacts, <c>hs_lastmodifieddate</c> for everything else.</summary>
    public string ModifiedProperty { get; }

    public long FirstId { get; }

    /// <summary>Contacts, companies and deals have legacy webhook subscriptions; engagements do not.</summary>
    public bool HasWebhooks { get; }

    public IReadOnlyList<string> DefaultProperties { get; }

    /// <summary>Properties every read returns whether asked for or not.</summary>
    public IEnumerable<string> AlwaysReturned => Name == "contacts"
        ? ["createdate", "hs_object_id", "lastmodifieddate"]
        : [CreatedProperty, "hs_lastmodifieddate", "hs_object_id"];

    /// <summary>Accepts "contacts", "contact", "CONTACT" and "0-1".</summary>
    public static ObjectType? Find(string? name) =>
        name is null
            ? null
            : All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(t.Singular, name, StringComparison.OrdinalIgnoreCase)
                || string.Equals(t.TypeId, name, StringComparison.Ordinal));

    public override string ToString() => Name;

    private static ObjectType Engagement(string name, string singular, string typeId, long firstId) =>
        new(name, singular, typeId, "hs_createdate", "hs_lastmodifieddate", firstId, false,
            ["hs_createdate", "hs_lastmodifieddate", "hs_object_id"]);
}

/// <summary>Identifies one record.</summary>
internal readonly record struct ObjectKey(ObjectType Type, long Id);
