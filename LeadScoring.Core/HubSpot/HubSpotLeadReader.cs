using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.ExceptionServices;

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
    /// HubSpot's rate limit rewards. Contacts HubSpot no longer has are absent from the result. Throws when any lead
    /// could not be read (see <see cref="GatherAsync"/> for the tolerant form).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, HubSpotLeadRecord>> ReadManyAsync(IReadOnlyCollection<string> contactIds, CancellationToken cancellationToken = default)
    {
        var gather = await GatherAsync(contactIds, cancellationToken).ConfigureAwait(false);
        if (gather.Failed.Count > 0)
        {
            ExceptionDispatchInfo.Throw(gather.Failed.First().Value);
        }

        return gather.Records;
    }

    /// <summary>
    /// Like <see cref="ReadManyAsync"/>, but a call that still fails after the client's retries (HubSpot 5xx or 429,
    /// a timeout, a dropped connection) costs only the leads it covers: its inputs are read again in halves, and the
    /// leads whose data stays unreadable come back in <see cref="LeadGather.Failed"/> while the others are assembled. HubSpot refusing the request itself (401, 403, 400) and the spent daily limit still throw:
    /// splitting would only repeat them.
    /// </summary>
    public async Task<LeadGather> GatherAsync(IReadOnlyCollection<string> contactIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        var failed = new ConcurrentDictionary<string, Exception>(StringComparer.Ordinal);
        var contacts = await ReadContactsAsync([.. contactIds.Distinct(StringComparer.Ordinal)], failed, cancellationToken).ConfigureAwait(false);
        var reads = contacts.RelatedIds().Select(async r =>
        {
            var objects = new ConcurrentBag<HubSpotObject>();
            var unread = new ConcurrentDictionary<string, Exception>(StringComparer.Ordinal);
            await HubSpotFailureIsolation.RunAsync(r.Value, HubSpotClient.BatchSize, async (ids, token) =>
            {
                foreach (var o in await ReadObjectsAsync(r.Key, ids, token).ConfigureAwait(false))
                {
                    objects.Add(o);
                }
            }, unread, cancellationToken).ConfigureAwait(false);
            return (Type: r.Key, Objects: (IReadOnlyList<HubSpotObject>)[.. objects], Unread: unread);
        }).ToList();
        await Task.WhenAll(reads).ConfigureAwait(false);

        // A lead is failed when anything it is scored from could not be read: a score from half its data would be wrong.
        foreach (var (type, _, unread) in reads.Select(r => r.Result).Where(r => !r.Unread.IsEmpty))
        {
            foreach (var contact in contacts.Contacts)
            {
                var linked = type == "companies"
                    ? contacts.PrimaryCompany.GetValueOrDefault(contact.Id) is { } company && unread.TryGetValue(company, out var e1) ? e1 : null
                    : (contacts.Links.GetValueOrDefault(type)?.GetValueOrDefault(contact.Id) ?? []).Select(id => unread.GetValueOrDefault(id)).FirstOrDefault(e => e is not null);
                if (linked is not null)
                {
                    failed.TryAdd(contact.Id, linked);
                }
            }
        }

        var records = Assemble(contacts, reads.ToDictionary(r => r.Result.Type, r => r.Result.Objects, StringComparer.Ordinal));
        foreach (var id in failed.Keys)
        {
            records.Remove(id);
        }

        return new LeadGather(records, failed);
    }

    /// <summary>
    /// The contacts (allow-listed properties) and their associations: batch reads of 100 and one v4 read per type.
    /// Contacts whose reads failed are left out and added to <paramref name="failed"/>.
    /// </summary>
    private async Task<LeadContacts> ReadContactsAsync(IReadOnlyList<string> contactIds, ConcurrentDictionary<string, Exception> failed, CancellationToken cancellationToken)
    {
        var read = new ConcurrentBag<HubSpotObject>();
        await HubSpotFailureIsolation.RunAsync(contactIds, HubSpotClient.BatchSize, async (ids, token) =>
        {
            foreach (var c in (await client.BatchReadAsync("contacts", ids, HubSpotProperties.Contact, token).ConfigureAwait(false)).Objects)
            {
                read.Add(c);
            }
        }, failed, cancellationToken).ConfigureAwait(false);
        var contacts = read.OrderBy(c => c.Id, StringComparer.Ordinal).ToList();
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
            var linked = new ConcurrentDictionary<string, IReadOnlyList<string>>(found.Select(id => KeyValuePair.Create(id, (IReadOnlyList<string>)[])), StringComparer.Ordinal);
            await HubSpotFailureIsolation.RunAsync(from, HubSpotClient.AssociationBatchSize, async (ids, token) =>
            {
                foreach (var (id, targets) in await client.GetAssociationsAsync("contacts", ids, type, token).ConfigureAwait(false))
                {
                    linked[id] = targets;
                }
            }, failed, cancellationToken).ConfigureAwait(false);
            return (Type: type, Links: (IReadOnlyDictionary<string, IReadOnlyList<string>>)linked);
        }).ToList();
        await Task.WhenAll(links).ConfigureAwait(false);
        return new LeadContacts([.. contacts], primaryCompany, links.ToDictionary(t => t.Result.Type, t => t.Result.Links, StringComparer.Ordinal));
    }

    /// <summary>Objects of one type (companies, deals or an engagement type) by batch read, with that type's allow-list.</summary>
    private async Task<IReadOnlyList<HubSpotObject>> ReadObjectsAsync(string objectType, IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default)
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
    private static Dictionary<string, HubSpotLeadRecord> Assemble(LeadContacts contacts, IReadOnlyDictionary<string, IReadOnlyList<HubSpotObject>> related)
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

/// <summary>What a tolerant gather read: the leads assembled, and those it could not read with why (the last failure).</summary>
public sealed record LeadGather(IReadOnlyDictionary<string, HubSpotLeadRecord> Records, IReadOnlyDictionary<string, Exception> Failed)
{
    /// <summary>For a shared gather: how long the caller waited for it to start, and what its HubSpot calls spent.</summary>
    public SharedGatherTiming? Timing { get; init; }
}

/// <summary>How long a caller waited for its shared gather to start, and where that gather's HubSpot calls spent their time.</summary>
public sealed record SharedGatherTiming(TimeSpan Waited, HubSpotCallTimes Calls);

/// <summary>
/// The first phase of a batched gather: contacts (allow-listed properties only, so no PII) with the ids of their
/// primary company and of their deals and engagements per type.
/// </summary>
internal sealed record LeadContacts(
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
