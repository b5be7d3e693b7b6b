namespace LeadScoring.HubSpotEmulator.Portal;

/// <summary>One association type on an edge as v4 reports it.</summary>
internal sealed record AssociationTypeRef(int TypeId, string? Label);

/// <summary>HubSpot-defined association type ids. Direction matters: contact→company is 279, company→contact 280.</summary>
internal static class AssociationTypes
{
    private static readonly Dictionary<(string From, string To), (int Unlabeled, int? Primary)> Ids = new()
    {
        [("contacts", "companies")] = (279, 1),
        [("companies", "contacts")] = (280, 2),
        [("contacts", "deals")] = (4, null),
        [("deals", "contacts")] = (3, null),
        [("deals", "companies")] = (341, 5),
        [("companies", "deals")] = (342, null),
        [("contacts", "calls")] = (193, null),
        [("calls", "contacts")] = (194, null),
        [("contacts", "emails")] = (197, null),
        [("emails", "contacts")] = (198, null),
        [("contacts", "meetings")] = (199, null),
        [("meetings", "contacts")] = (200, null),
        [("contacts", "notes")] = (201, null),
        [("notes", "contacts")] = (202, null),
        [("companies", "calls")] = (181, null),
        [("calls", "companies")] = (182, null),
        [("companies", "emails")] = (185, null),
        [("emails", "companies")] = (186, null),
        [("companies", "meetings")] = (187, null),
        [("meetings", "companies")] = (188, null),
        [("companies", "notes")] = (189, null),
        [("notes", "companies")] = (190, null),
        [("deals", "calls")] = (205, null),
        [("calls", "deals")] = (206, null),
        [("deals", "emails")] = (209, null),
        [("emails", "deals")] = (210, null),
        [("deals", "meetings")] = (211, null),
        [("meetings", "deals")] = (212, null),
        [("deals", "notes")] = (213, null),
        [("notes", "deals")] = (214, null),
    };

    public static bool Exists(ObjectType from, ObjectType to) => Ids.ContainsKey((from.Name, to.Name));

    /// <summary>The types on an edge: the primary label first when the edge is primary, then the unlabeled type.</summary>
    public static IReadOnlyList<AssociationTypeRef> For(ObjectType from, ObjectType to, bool primary)
    {
        var (unlabeled, primaryId) = Ids[(from.Name, to.Name)];
        return primary && primaryId is { } p ? [new(p, "Primary"), new(unlabeled, null)] : [new(unlabeled, null)];
    }

    /// <summary>The v3 names in an object's <c>associations</c> block, e.g. contact_to_company and contact_to_company_unlabeled.</summary>
    public static IReadOnlyList<string> V3Names(ObjectType from, ObjectType to, bool primary)
    {
        var name = $"{from.Singular}_to_{to.Singular}";
        if (Ids[(from.Name, to.Name)].Primary is null)
        {
            return [name];
        }

        return primary ? [name, name + "_unlabeled"] : [name + "_unlabeled"];
    }
}
