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
