using System.Globalization;

namespace LeadScoring.Core.HubSpot;

/// <summary>
/// Gathers leads from HubSpot in batches: the contacts, then their deals' and engagements' ids, then the primary
/// companies, deals and engagements themselves. Only allow-listed properties are requested (see <see cref="HubSpotProperties"/>).
/// </summary>
public sealed class HubSpotLeadReader(HubSpotClient client)
{
    private static readonly string[] AssociationTypes = ["deals", .. HubSpotProperties.Engagements.Keys];

    /// <summary>
    /// Many leads in few calls: contacts by batch read (100 per call), the deal and engagement ids of each type by a
    /// v4 batch read (1,000 contacts per call, paging followed), then companies, deals and each engagement type by
    /// batch read (100 per call) — about 11 requests per 100 leads when 500 or more are read together, which is what
    /// HubSpot's rate limit rewards. Contacts HubSpot no longer has are absent from the result. The ScoreLeads orchestration runs the same
    /// phases as activities: <see cref="ReadContactsAsync"/>, then <see cref="ReadObjectsAsync"/> per object type in
    /// parallel, then <see cref="Assemble"/>.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, HubSpotLeadRecord>> ReadManyAsync(IReadOnlyCollection<string> contactIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        var contacts = await ReadContactsAsync(contactIds, cancellationToken).ConfigureAwait(false);
        var reads = contacts.RelatedIds().Select(async r => (r.Key, Objects: await ReadObjectsAsync(r.Key, r.Value, cancellationToken).ConfigureAwait(false))).ToList();
        await Task.WhenAll(reads).ConfigureAwait(false);
        return Assemble(contacts, reads.ToDictionary(r => r.Result.Key, r => r.Result.Objects, StringComparer.Ordinal));
    }

    /// <summary>The contacts (allow-listed properties) and their associations: one batch read and one v4 read per type.</summary>
    public async Task<LeadContacts> ReadContactsAsync(IReadOnlyCollection<string> contactIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        if (contactIds.Count == 0)
        {
            return new LeadContacts([], new Dictionary<string, string?>(), new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>());
        }

        var contacts = (await client.BatchReadAsync("contacts", contactIds, HubSpotProperties.Contact, cancellationToken).ConfigureAwait(false)).Objects;
        var found = contacts.Select(c => c.Id).ToList();
        if (found.Count == 0)
        {
            return new LeadContacts([], new Dictionary<string, string?>(), new Dictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>>());
        }

        // The primary company is a contact property (HubSpot keeps it in step with the primary association), and
        // contacts without deals need no deal lookup: two association reads saved per batch, most of the deal ones.
        var primaryCompany = contacts.ToDictionary(c => c.Id, c => c.Get("associatedcompanyid"), StringComparer.Ordinal);
        var withDeals = contacts.Where(c => !int.TryParse(c.Get("num_associated_deals"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) || n > 0).Select(c => c.Id).ToList();
        var links = AssociationTypes.Select(async type =>
        {
            var from = type == "deals" ? withDeals : found;
            return (Type: type, Links: from.Count == 0
                ? found.ToDictionary(id => id, _ => (IReadOnlyList<string>)[], StringComparer.Ordinal)
                : await client.GetAssociationsAsync("contacts", from, type, cancellationToken).ConfigureAwait(false));
        }).ToList();
        await Task.WhenAll(links).ConfigureAwait(false);
        return new LeadContacts([.. contacts], primaryCompany, links.ToDictionary(t => t.Result.Type, t => t.Result.Links, StringComparer.Ordinal));
    }

    /// <summary>Objects of one type (companies, deals or an engagement type) by batch read, with that type's allow-list.</summary>
    public async Task<IReadOnlyList<HubSpotObject>> ReadObjectsAsync(string objectType, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var properties = objectType switch
        {
            "companies" => HubSpotProperties.Company,
            "deals" => HubSpotProperties.Deal,
            _ when HubSpotProperties.Engagements.TryGetValue(objectType, out var engagement) => engagement,
            _ => throw new ArgumentException($"'{objectType}' is not an object type a lead is gathered from.", nameof(objectType)),
        };
        return ids.Count == 0 ? [] : [.. (await client.BatchReadAsync(objectType, ids, properties, cancellationToken).ConfigureAwait(false)).Objects];
    }

    /// <summary>Each contact with its primary company, deals and engagements, from what the phases read.</summary>
    public static IReadOnlyDictionary<string, HubSpotLeadRecord> Assemble(LeadContacts contacts, IReadOnlyDictionary<string, IReadOnlyList<HubSpotObject>> related)
    {
        ArgumentNullException.ThrowIfNull(contacts);
        ArgumentNullException.ThrowIfNull(related);
        var byId = related.ToDictionary(r => r.Key, r => r.Value.GroupBy(o => o.Id, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal), StringComparer.Ordinal);
        HubSpotObject? Find(string type, string id) => byId.GetValueOrDefault(type)?.GetValueOrDefault(id);
        IReadOnlyList<string> Linked(string type, string contactId) => contacts.Links.GetValueOrDefault(type)?.GetValueOrDefault(contactId) ?? [];

        var records = new Dictionary<string, HubSpotLeadRecord>(StringComparer.Ordinal);
        foreach (var contact in contacts.Contacts)
        {
            var company = contacts.PrimaryCompany.GetValueOrDefault(contact.Id) is { } companyId ? Find("companies", companyId) : null;
            var contactDeals = Linked("deals", contact.Id).Select(id => Find("deals", id)).OfType<HubSpotObject>().ToList();
            var contactEngagements = HubSpotProperties.Engagements.Keys
                .SelectMany(type => Linked(type, contact.Id).Select(id => Find(type, id)).OfType<HubSpotObject>().Select(o => new HubSpotEngagement(type, o)))
                .ToList();
            records[contact.Id] = new HubSpotLeadRecord(contact, company, contactDeals, contactEngagements);
        }

        return records;
    }
}

/// <summary>
/// The first phase of a batched gather: contacts (allow-listed properties only, so no PII) with the ids of their
/// primary company and of their deals and engagements per type.
/// </summary>
public sealed record LeadContacts(
    IReadOnlyList<HubSpotObject> Contacts,
    IReadOnlyDictionary<string, string?> PrimaryCompany,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, IReadOnlyList<string>>> Links)
{
    /// <summary>What the next phase reads: distinct ids per object type (companies, deals, each engagement type).</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> RelatedIds()
    {
        var ids = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["companies"] = [.. PrimaryCompany.Values.OfType<string>().Distinct(StringComparer.Ordinal)],
        };
        foreach (var (type, links) in Links)
        {
            ids[type] = [.. links.Values.SelectMany(v => v).Distinct(StringComparer.Ordinal)];
        }

        return ids;
    }
}
