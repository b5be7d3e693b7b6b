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
    /// rewards. Contacts HubSpot no longer has are absent from the result.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, HubSpotLeadRecord>> ReadManyAsync(IReadOnlyCollection<string> contactIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        if (contactIds.Count == 0)
        {
            return new Dictionary<string, HubSpotLeadRecord>();
        }

        var contacts = (await client.BatchReadAsync("contacts", contactIds, HubSpotProperties.Contact, cancellationToken).ConfigureAwait(false)).Objects;
        var found = contacts.Select(c => c.Id).ToList();
        var companyLinks = client.GetAssociationsWithPrimaryAsync("contacts", found, "companies", cancellationToken);
        var otherLinks = AssociationTypes.Skip(1).Select(async type => (Type: type, Links: await client.GetAssociationsAsync("contacts", found, type, cancellationToken).ConfigureAwait(false))).ToList();
        await Task.WhenAll([companyLinks, .. otherLinks]).ConfigureAwait(false);

        var primaryCompany = companyLinks.Result.ToDictionary(p => p.Key, p => (p.Value.FirstOrDefault(a => a.IsPrimary) ?? (p.Value.Count > 0 ? p.Value[0] : null))?.Id);
        var links = otherLinks.ToDictionary(t => t.Result.Type, t => t.Result.Links);
        var companies = ReadOrNull("companies", [.. primaryCompany.Values.OfType<string>().Distinct()], HubSpotProperties.Company, cancellationToken);
        var deals = ReadOrNull("deals", [.. links["deals"].Values.SelectMany(v => v).Distinct()], HubSpotProperties.Deal, cancellationToken);
        var engagements = HubSpotProperties.Engagements
            .Select(async e => (Type: e.Key, Result: await ReadOrNull(e.Key, [.. links[e.Key].Values.SelectMany(v => v).Distinct()], e.Value, cancellationToken).ConfigureAwait(false)))
            .ToList();
        await Task.WhenAll([companies, deals, .. engagements]).ConfigureAwait(false);

        var companyById = (companies.Result?.Objects ?? []).ToDictionary(o => o.Id, StringComparer.Ordinal);
        var dealById = (deals.Result?.Objects ?? []).ToDictionary(o => o.Id, StringComparer.Ordinal);
        var engagementById = engagements.ToDictionary(
            t => t.Result.Type,
            t => (t.Result.Result?.Objects ?? []).ToDictionary(o => o.Id, StringComparer.Ordinal));

        var records = new Dictionary<string, HubSpotLeadRecord>(StringComparer.Ordinal);
        foreach (var contact in contacts)
        {
            var company = primaryCompany.GetValueOrDefault(contact.Id) is { } companyId ? companyById.GetValueOrDefault(companyId) : null;
            var contactDeals = links["deals"].GetValueOrDefault(contact.Id, []).Select(dealById.GetValueOrDefault).OfType<HubSpotObject>().ToList();
            var contactEngagements = HubSpotProperties.Engagements.Keys
                .SelectMany(type => links[type].GetValueOrDefault(contact.Id, []).Select(id => engagementById[type].GetValueOrDefault(id)).OfType<HubSpotObject>().Select(o => new HubSpotEngagement(type, o)))
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
