namespace LeadScoring.Core.HubSpot;

/// <summary>
/// Gathers one lead from HubSpot: the contact (with its association ids), then its primary company, deals and
/// engagements in parallel. Only allow-listed properties are requested (see <see cref="HubSpotProperties"/>).
/// </summary>
public sealed class HubSpotLeadReader(HubSpotClient client)
{
    private static readonly string[] AssociationTypes = ["companies", "deals", .. HubSpotProperties.Engagements.Keys];

    /// <summary>The lead's HubSpot record, or null when the contact does not exist (deleted or merged away).</summary>
    public async Task<HubSpotLeadRecord?> ReadAsync(string contactId, CancellationToken cancellationToken = default)
    {
        var contact = await client.GetObjectAsync("contacts", contactId, HubSpotProperties.Contact, AssociationTypes, cancellationToken).ConfigureAwait(false);
        if (contact is null)
        {
            return null;
        }

        var companyId = PrimaryCompany(contact);
        var company = ReadOrNull("companies", companyId is null ? [] : [companyId], HubSpotProperties.Company, cancellationToken);
        var deals = ReadOrNull("deals", Ids(contact, "deals"), HubSpotProperties.Deal, cancellationToken);
        var engagements = HubSpotProperties.Engagements
            .Select(async e => (Type: e.Key, Result: await ReadOrNull(e.Key, Ids(contact, e.Key), e.Value, cancellationToken).ConfigureAwait(false)))
            .ToList();

        await Task.WhenAll([company, deals, .. engagements]).ConfigureAwait(false);
        return new HubSpotLeadRecord(
            contact,
            company.Result is { Objects.Count: > 0 } found ? found.Objects[0] : null,
            deals.Result?.Objects ?? [],
            [.. engagements.SelectMany(t => (t.Result.Result?.Objects ?? []).Select(o => new HubSpotEngagement(t.Result.Type, o)))]);
    }

    /// <summary>
    /// Many leads in a constant number of calls, whatever their count (up to 100 per call): contacts by batch read,
    /// then each association type by one v4 batch read, then companies, deals and each engagement type by batch
    /// read — about a dozen requests for 100 leads instead of seven per lead, which is what HubSpot's rate limit
    /// rewards. Contacts HubSpot no longer has are absent from the result. The ScoreLeads orchestration runs the same
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

        var companyLinks = client.GetAssociationsWithPrimaryAsync("contacts", found, "companies", cancellationToken);
        var otherLinks = AssociationTypes.Skip(1).Select(async type => (Type: type, Links: await client.GetAssociationsAsync("contacts", found, type, cancellationToken).ConfigureAwait(false))).ToList();
        await Task.WhenAll([companyLinks, .. otherLinks]).ConfigureAwait(false);

        var primaryCompany = companyLinks.Result.ToDictionary(p => p.Key, p => (p.Value.FirstOrDefault(a => a.IsPrimary) ?? (p.Value.Count > 0 ? p.Value[0] : null))?.Id, StringComparer.Ordinal);
        return new LeadContacts([.. contacts], primaryCompany, otherLinks.ToDictionary(t => t.Result.Type, t => t.Result.Links, StringComparer.Ordinal));
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

    /// <summary>The primary company (association type contact_to_company), else the first associated one.</summary>
    internal static string? PrimaryCompany(HubSpotObject contact)
    {
        var companies = contact.Associations?.GetValueOrDefault("companies")?.Results ?? [];
        return (companies.FirstOrDefault(c => c.Type == "contact_to_company") ?? companies.FirstOrDefault())?.Id;
    }

    private static string[] Ids(HubSpotObject contact, string type) =>
        [.. (contact.Associations?.GetValueOrDefault(type)?.Results ?? []).Select(r => r.Id).Distinct()];

    private async Task<BatchReadResult?> ReadOrNull(string type, string[] ids, IReadOnlyList<string> properties, CancellationToken cancellationToken) =>
        ids.Length == 0 ? null : await client.BatchReadAsync(type, ids, properties, cancellationToken).ConfigureAwait(false);
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
