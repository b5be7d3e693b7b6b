namespace LeadScoring.HubSpotEmulator.Portal;

/// <summary>One CRM record. Mutated only by code running under <see cref="PortalStore"/>'s lock.</summary>
internal sealed class CrmObject(ObjectType type, long id, DateTimeOffset createdAt)
{
    public ObjectType Type { get; } = type;

    public long Id { get; } = id;

    public DateTimeOffset CreatedAt { get; } = createdAt;

    /// <summary>
    /// Read from the modification property, so <c>updatedAt</c> and <c>lastmodifieddate</c> (<c>hs_lastmodifieddate</c>)
    /// are always the same instant on the wire, as HubSpot's are.
    /// </summary>
    public DateTimeOffset UpdatedAt => Get(Type.ModifiedProperty) is { } stamp && PropertyValues.ParseInstant(stamp) is { } at ? at : CreatedAt;

    public Dictionary<string, string> Properties { get; } = new(StringComparer.Ordinal);

    public string? Get(string name) => Properties.TryGetValue(name, out var value) && value.Length > 0 ? value : null;
}

/// <summary>Who made a change: <c>API</c> for calls through the HubSpot API, <c>CRM_UI</c> for the admin endpoints (a user in HubSpot).</summary>
internal sealed record ChangeSource(string Name, string SourceId);

/// <summary>One value written to one property (the admin "writes" log).</summary>
internal sealed record WriteRecord(string Property, string Value, string? Previous, DateTimeOffset At, string Source, string SourceId, bool Changed);

internal sealed record Enrollment(long WorkflowId, long ContactId, string Email, DateTimeOffset At);

/// <summary>The hidden truth a contact was generated from; only the admin API shows it.</summary>
internal sealed record GroundTruth(double Propensity, bool Converted, double Fit, double Affinity);

internal enum ChangeKind
{
    Created,
    PropertyChanged,
}

/// <summary>A change webhooks report. <see cref="Operation"/> groups the changes one write made to one object.</summary>
internal sealed record ObjectChange(ObjectType Type, long Id, ChangeKind Kind, string? Property, string? Value, ChangeSource Source, DateTimeOffset At, long Operation);

/// <summary>The whole portal. Only <see cref="PortalStore"/> hands it out, always under its lock.</summary>
internal sealed class PortalData
{
    public required int Seed { get; init; }

    public required DateTimeOffset SeededAt { get; init; }

    public Dictionary<ObjectType, SortedDictionary<long, CrmObject>> Objects { get; } =
        ObjectType.All.ToDictionary(t => t, _ => new SortedDictionary<long, CrmObject>());

    /// <summary>Edges in both directions: from → (to type → (to id → primary)).</summary>
    public Dictionary<ObjectKey, Dictionary<ObjectType, SortedDictionary<long, bool>>> Associations { get; } = [];

    public Dictionary<ObjectType, Dictionary<string, PropertyDefinition>> Properties { get; } =
        ObjectType.All.ToDictionary(t => t, t => PropertyCatalog.Properties[t].ToDictionary(p => p.Name, StringComparer.Ordinal));

    public Dictionary<ObjectType, Dictionary<string, PropertyGroup>> Groups { get; } =
        ObjectType.All.ToDictionary(t => t, t => PropertyCatalog.Groups[t].ToDictionary(g => g.Name, StringComparer.Ordinal));

    public Dictionary<ObjectType, long> NextIds { get; } = ObjectType.All.ToDictionary(t => t, t => t.FirstId);

    /// <summary>Lower-cased email → contact id.</summary>
    public Dictionary<string, long> ContactsByEmail { get; } = new(StringComparer.Ordinal);

    public SortedDictionary<long, GroundTruth> GroundTruth { get; } = [];

    public Dictionary<ObjectKey, List<WriteRecord>> Writes { get; } = [];

    public List<Enrollment> Enrollments { get; } = [];

    /// <summary>Batches of admin-created contacts so far; each batch draws from its own seeded generator.</summary>
    public int GeneratedBatches { get; set; }

    /// <summary>A new record with the next id of its type; creation and modification times are <paramref name="createdAt"/>.</summary>
    public CrmObject NewObject(ObjectType type, DateTimeOffset createdAt)
    {
        var id = NextIds[type]++;
        var obj = new CrmObject(type, id, createdAt);
        var stamp = Formats.Iso(createdAt);
        obj.Properties["hs_object_id"] = Formats.Text(id);
        obj.Properties[type.CreatedProperty] = stamp;
        obj.Properties["hs_lastmodifieddate"] = stamp;
        obj.Properties[type.ModifiedProperty] = stamp;
        Objects[type][id] = obj;
        return obj;
    }

    /// <summary>Keeps the email → contact index in step after a contact's email was set or changed.</summary>
    public void IndexEmail(CrmObject obj, string? previousEmail)
    {
        if (obj.Type != ObjectType.Contacts)
        {
            return;
        }

        if (previousEmail is { Length: > 0 } && ContactsByEmail.GetValueOrDefault(previousEmail.ToLowerInvariant()) == obj.Id)
        {
            ContactsByEmail.Remove(previousEmail.ToLowerInvariant());
        }

        if (obj.Get("email") is { } email)
        {
            ContactsByEmail[email.ToLowerInvariant()] = obj.Id;
        }
    }

    public CrmObject? Find(ObjectType type, long id) => Objects[type].GetValueOrDefault(id);

    public CrmObject? Find(ObjectType type, string id) =>
        long.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var value) ? Find(type, value) : null;

    /// <summary>Associated ids of <paramref name="to"/> type, with whether each edge is primary.</summary>
    public IReadOnlyDictionary<long, bool> Associated(ObjectType fromType, long fromId, ObjectType to) =>
        Associations.TryGetValue(new ObjectKey(fromType, fromId), out var byType) && byType.TryGetValue(to, out var ids)
            ? ids
            : new Dictionary<long, bool>();

    /// <summary>
    /// Associates two records both ways. A contact has at most one primary company, and its
    /// <c>associatedcompanyid</c> names it (HubSpot keeps the two in step), so a new primary demotes the old one.
    /// </summary>
    public void Associate(ObjectType aType, long aId, ObjectType bType, long bId, bool primary = false)
    {
        var contactToCompany = aType == ObjectType.Contacts && bType == ObjectType.Companies;
        if (primary && (contactToCompany || (aType == ObjectType.Companies && bType == ObjectType.Contacts)))
        {
            var (contactId, companyId) = contactToCompany ? (aId, bId) : (bId, aId);
            DemotePrimaryCompanies(contactId, except: companyId);
            if (Find(ObjectType.Contacts, contactId) is { } contact)
            {
                contact.Properties["associatedcompanyid"] = Formats.Text(companyId);
            }
        }

        Edge(aType, aId, bType)[bId] = primary;
        Edge(bType, bId, aType)[aId] = primary;
    }

    /// <summary>
    /// Makes <paramref name="companyId"/> the contact's primary company (associating it when needed), or with null
    /// leaves the contact without one (other associations stay, unlabeled). True when a new association was added.
    /// </summary>
    public bool SetPrimaryCompany(CrmObject contact, long? companyId)
    {
        if (companyId is not { } id)
        {
            DemotePrimaryCompanies(contact.Id, except: null);
            contact.Properties.Remove("associatedcompanyid");
            return false;
        }

        var added = !Associated(ObjectType.Contacts, contact.Id, ObjectType.Companies).ContainsKey(id);
        Associate(ObjectType.Contacts, contact.Id, ObjectType.Companies, id, primary: true);
        return added;
    }

    private void DemotePrimaryCompanies(long contactId, long? except)
    {
        foreach (var (companyId, isPrimary) in Associated(ObjectType.Contacts, contactId, ObjectType.Companies).ToList())
        {
            if (isPrimary && companyId != except)
            {
                Edge(ObjectType.Contacts, contactId, ObjectType.Companies)[companyId] = false;
                Edge(ObjectType.Companies, companyId, ObjectType.Contacts)[contactId] = false;
            }
        }
    }

    private SortedDictionary<long, bool> Edge(ObjectType fromType, long fromId, ObjectType to)
    {
        var key = new ObjectKey(fromType, fromId);
        if (!Associations.TryGetValue(key, out var byType))
        {
            Associations[key] = byType = [];
        }

        if (!byType.TryGetValue(to, out var ids))
        {
            byType[to] = ids = [];
        }

        return ids;
    }
}
