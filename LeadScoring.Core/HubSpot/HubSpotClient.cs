using System.Globalization;
using System.Net;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace LeadScoring.Core.HubSpot;

/// <summary>
/// The one client Core talks to HubSpot through (CRM v3/v4, properties, workflows). Resilience, rate budget and
/// auth are handlers of its HttpClient (see <see cref="HubSpotServiceCollectionExtensions"/>); this class knows
/// HubSpot's paths, shapes, batch sizes and paging.
/// </summary>
public sealed class HubSpotClient(HttpClient http)
{
    /// <summary>HubSpot's maximum inputs per batch request.</summary>
    public const int BatchSize = 100;

    /// <summary>HubSpot's maximum inputs per CRM v4 association batch read.</summary>
    public const int AssociationBatchSize = 1_000;

    /// <summary>
    /// Associations followed per object and type (four of HubSpot's 500-association pages). A lead with more emails
    /// than this already scores the maximum for them; reading on would only spend the portal's API budget.
    /// </summary>
    public const int MaxAssociationsPerObject = 2_000;

    /// <summary>HubSpot's maximum page size for search.</summary>
    public const int SearchPageSize = 200;

    /// <summary>Batch requests of one call in flight at once: the rate budget paces them, this bounds a call's latency.</summary>
    public const int ConcurrentBatches = 4;

    /// <summary>Search refuses to page past this many results; the client moves its time window instead.</summary>
    public const int SearchResultCap = 10_000;

    /// <summary>One object with the given properties, or null when HubSpot has no such object.</summary>
    public async Task<HubSpotObject?> GetObjectAsync(string objectType, string id, IEnumerable<string> properties, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(objectType);
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        var query = $"properties={Uri.EscapeDataString(string.Join(',', properties))}";

        using var response = await http.GetAsync(new Uri($"crm/v3/objects/{Escape(objectType)}/{Escape(id)}?{query}&archived=false", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        return await ReadAsync(response, $"get {objectType} {id}", HubSpotJsonContext.Default.HubSpotObject, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads many objects in batches of 100, up to <see cref="ConcurrentBatches"/> at once; ids HubSpot does not know
    /// come back in <see cref="BatchReadResult.MissingIds"/>.
    /// </summary>
    public async Task<BatchReadResult> BatchReadAsync(
        string objectType, IReadOnlyCollection<string> ids, IReadOnlyCollection<string> properties, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var chunks = ids.Distinct().Chunk(BatchSize).ToArray();
        var pages = new (IReadOnlyList<HubSpotObject> Found, IEnumerable<string> Missing)[chunks.Length];
        await ForEachChunkAsync(chunks.Length, async (i, token) =>
        {
            var request = new BatchReadRequest { Properties = [.. properties], Inputs = [.. chunks[i].Select(id => new IdInput { Id = id })] };
            using var response = await PostAsync($"crm/v3/objects/{Escape(objectType)}/batch/read", request, HubSpotJsonContext.Default.BatchReadRequest, token).ConfigureAwait(false);
            var batch = await ReadAsync(response, $"batch read {objectType}", HubSpotJsonContext.Default.BatchResponse, token).ConfigureAwait(false);
            if (batch.Errors?.Any(e => e.Category != "OBJECT_NOT_FOUND") == true)
            {
                throw new HubSpotApiException($"batch read {objectType}", HttpStatusCode.MultiStatus, new HubSpotErrorBody { Message = "some inputs failed", Errors = batch.Errors });
            }

            pages[i] = (batch.Results, [.. FailedIds(batch.Errors, chunks[i], "OBJECT_NOT_FOUND")]);
        }, cancellationToken).ConfigureAwait(false);
        return new BatchReadResult([.. pages.SelectMany(p => p.Found)], [.. pages.SelectMany(p => p.Missing)]);
    }

    /// <summary>Associated object ids per input id (CRM v4 batch read; see <see cref="GetAssociationsWithPrimaryAsync"/>).</summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetAssociationsAsync(
        string fromType, IReadOnlyCollection<string> ids, string toType, CancellationToken cancellationToken = default)
    {
        var detailed = await GetAssociationsWithPrimaryAsync(fromType, ids, toType, cancellationToken).ConfigureAwait(false);
        return detailed.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)[.. p.Value.Select(a => a.Id)], StringComparer.Ordinal);
    }

    /// <summary>
    /// Associated objects per input id, with whether each is the primary one (CRM v4 batch read, up to 1,000 inputs per
    /// call). HubSpot returns at most 500 associations per input and page; the rest is read by sending that input
    /// again with its <c>after</c> cursor, together with the other inputs still paging, until every input is complete
    /// or has <see cref="MaxAssociationsPerObject"/> (the cap: beyond it a lead's score no longer moves).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, IReadOnlyList<AssociatedObject>>> GetAssociationsWithPrimaryAsync(
        string fromType, IReadOnlyCollection<string> ids, string toType, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ids);
        var found = new Dictionary<string, Dictionary<long, bool>>(StringComparer.Ordinal);
        var pending = ids.Distinct(StringComparer.Ordinal).Select(id => new IdInput { Id = id }).ToList();
        while (pending.Count > 0)
        {
            var next = new List<IdInput>();
            foreach (var chunk in pending.Chunk(AssociationBatchSize))
            {
                var request = new BatchReadRequest { Properties = [], Inputs = [.. chunk] };
                using var response = await PostAsync($"crm/v4/associations/{Escape(fromType)}/{Escape(toType)}/batch/read", request, HubSpotJsonContext.Default.BatchReadRequest, cancellationToken).ConfigureAwait(false);
                var batch = await ReadAsync(response, $"read {fromType}→{toType} associations", HubSpotJsonContext.Default.AssociationBatchResponse, cancellationToken).ConfigureAwait(false);
                foreach (var item in batch.Results)
                {
                    if (!found.TryGetValue(item.From.Id, out var targets))
                    {
                        found[item.From.Id] = targets = [];
                    }

                    // Several association types (e.g. primary + unlabeled) can point at the same object.
                    foreach (var to in item.To)
                    {
                        var primary = to.AssociationTypes.Any(a => a.Category == "HUBSPOT_DEFINED" && string.Equals(a.Label, "Primary", StringComparison.OrdinalIgnoreCase));
                        targets[to.ToObjectId] = targets.GetValueOrDefault(to.ToObjectId) || primary;
                    }

                    if (item.Paging?.Next?.After is { } after && targets.Count < MaxAssociationsPerObject)
                    {
                        next.Add(new IdInput { Id = item.From.Id, After = after });
                    }
                }
            }

            pending = next;
        }

        var result = new Dictionary<string, IReadOnlyList<AssociatedObject>>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            result[id] = found.TryGetValue(id, out var targets)
                ? [.. targets.Take(MaxAssociationsPerObject).Select(t => new AssociatedObject(t.Key.ToString(CultureInfo.InvariantCulture), t.Value))]
                : [];
        }

        return result;
    }

    /// <summary>The portal's id and time zone (the daily API limit resets at midnight there).</summary>
    public async Task<HubSpotAccountDetails> GetAccountDetailsAsync(CancellationToken cancellationToken = default)
    {
        using var response = await http.GetAsync(new Uri("account-info/v3/details", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        return await ReadAsync(response, "read account details", HubSpotJsonContext.Default.HubSpotAccountDetails, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Every object modified at or after <paramref name="since"/> (and before <paramref name="until"/>, when given),
    /// oldest first. Pages are read by key, not by offset: each page restarts the query at the newest modification time
    /// seen, skipping the objects already returned at exactly that time. Offset paging over a sort key that changes
    /// while we page — our own write-backs move every scored contact to the end — skips objects; this does not. It also
    /// keeps every query far below HubSpot's 10,000-result cap. Only when a whole page shares one modification time
    /// (a bulk import) does it page by offset within that instant.
    /// </summary>
    public async IAsyncEnumerable<HubSpotObject> SearchModifiedSinceAsync(
        string objectType, DateTimeOffset since, IReadOnlyCollection<string> properties, DateTimeOffset? until = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var modified = ModifiedProperty(objectType);
        var windowStart = since.ToUnixTimeMilliseconds();
        var seenAtStart = new HashSet<string>(StringComparer.Ordinal);
        string? after = null;
        var returnedAtStart = 0;
        while (true)
        {
            List<SearchFilter> filters = [new SearchFilter { PropertyName = modified, Operator = "GTE", Value = windowStart.ToString(CultureInfo.InvariantCulture) }];
            if (until is { } end)
            {
                filters.Add(new SearchFilter { PropertyName = modified, Operator = "LT", Value = end.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture) });
            }

            var request = new SearchRequest
            {
                FilterGroups = [new SearchFilterGroup { Filters = filters }],
                Sorts = [new SearchSort { PropertyName = modified, Direction = "ASCENDING" }],
                Properties = [.. properties.Append(modified).Distinct()],
                Limit = SearchPageSize,
                After = after,
            };
            using var response = await PostAsync($"crm/v3/objects/{Escape(objectType)}/search", request, HubSpotJsonContext.Default.SearchRequest, cancellationToken).ConfigureAwait(false);
            var page = await ReadAsync(response, $"search {objectType}", HubSpotJsonContext.Default.SearchResponse, cancellationToken).ConfigureAwait(false);
            var lastModified = windowStart;
            var atLast = new HashSet<string>(StringComparer.Ordinal);
            foreach (var item in page.Results)
            {
                var at = ParseTimestamp(item.Get(modified)) ?? lastModified;
                if (at > lastModified)
                {
                    lastModified = at;
                    atLast.Clear();
                }

                atLast.Add(item.Id);
                if (at != windowStart || seenAtStart.Add(item.Id))
                {
                    yield return item;
                }
            }

            if (page.Paging?.Next?.After is not { } next)
            {
                yield break;
            }

            if (lastModified > windowStart)
            {
                // Restart at the newest time seen; what was returned at exactly that time is skipped next round.
                windowStart = lastModified;
                seenAtStart = atLast;
                after = null;
                returnedAtStart = 0;
            }
            else
            {
                // The whole page shares one instant: page on by offset inside it.
                returnedAtStart += page.Results.Count;
                if (returnedAtStart + SearchPageSize > SearchResultCap)
                {
                    throw new HubSpotApiException($"More than {SearchResultCap} {objectType} share the modification time {windowStart}; HubSpot search cannot page through them.");
                }

                after = next;
            }
        }
    }

    /// <summary>
    /// Writes properties in batches of 100 (up to <see cref="ConcurrentBatches"/> at once). Inputs HubSpot rejects
    /// individually (207 / errors[]) are reported per id; a whole-request rejection (e.g. an unknown property) throws.
    /// Each written object's new modification time is returned, so our own write can later be told from a user's edit.
    /// </summary>
    public async Task<BatchUpdateResult> BatchUpdateAsync(string objectType, IReadOnlyCollection<ObjectUpdate> updates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var chunks = updates.Chunk(BatchSize).ToArray();
        var pages = new (IReadOnlyList<string> Updated, IReadOnlyList<FailedUpdate> Failed, IReadOnlyList<(string Id, DateTimeOffset At)> ModifiedAt)[chunks.Length];
        var modified = ModifiedProperty(objectType);
        await ForEachChunkAsync(chunks.Length, async (i, token) =>
        {
            var chunk = chunks[i];
            var request = new BatchUpdateRequest { Inputs = [.. chunk.Select(u => new BatchUpdateInput { Id = u.Id, Properties = new(u.Properties) })] };
            using var response = await PostAsync($"crm/v3/objects/{Escape(objectType)}/batch/update", request, HubSpotJsonContext.Default.BatchUpdateRequest, token).ConfigureAwait(false);
            var batch = await ReadAsync(response, $"batch update {objectType}", HubSpotJsonContext.Default.BatchResponse, token).ConfigureAwait(false);
            var failed = new List<FailedUpdate>();
            var failedIds = new HashSet<string>(StringComparer.Ordinal);
            foreach (var error in batch.Errors ?? [])
            {
                foreach (var id in error.Context?.GetValueOrDefault("ids") ?? [])
                {
                    if (failedIds.Add(id))
                    {
                        failed.Add(new FailedUpdate(id, error.Category, error.Message));
                    }
                }
            }

            var modifiedAt = batch.Results
                .Select(r => (r.Id, At: r.UpdatedAt ?? From(ParseTimestamp(r.Get(modified)))))
                .Where(r => r.At is not null && !failedIds.Contains(r.Id))
                .Select(r => (r.Id, r.At!.Value))
                .ToList();
            pages[i] = ([.. chunk.Select(u => u.Id).Where(id => !failedIds.Contains(id))], failed, modifiedAt);
        }, cancellationToken).ConfigureAwait(false);

        var at = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var (id, when) in pages.SelectMany(p => p.ModifiedAt))
        {
            at[id] = when;
        }

        return new BatchUpdateResult([.. pages.SelectMany(p => p.Updated)], [.. pages.SelectMany(p => p.Failed)], at);
    }

    /// <summary>Creates the property group and each property unless present. Safe to call at every start-up.</summary>
    public async Task EnsurePropertiesAsync(
        string objectType, HubSpotPropertyGroup group, IReadOnlyCollection<HubSpotPropertyDefinition> properties, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(properties);
        using (var response = await PostAsync($"crm/v3/properties/{Escape(objectType)}/groups", group, HubSpotJsonContext.Default.HubSpotPropertyGroup, cancellationToken).ConfigureAwait(false))
        {
            await ThrowUnlessCreatedOrConflictAsync(response, $"create property group {group.Name}", cancellationToken).ConfigureAwait(false);
        }

        foreach (var property in properties)
        {
            using (var existing = await http.GetAsync(new Uri($"crm/v3/properties/{Escape(objectType)}/{Escape(property.Name)}", UriKind.Relative), cancellationToken).ConfigureAwait(false))
            {
                if (existing.IsSuccessStatusCode)
                {
                    continue;
                }

                if (existing.StatusCode != HttpStatusCode.NotFound)
                {
                    await HubSpotApiException.ThrowIfFailedAsync(existing, $"read property {property.Name}", cancellationToken).ConfigureAwait(false);
                }
            }

            // 409 means another instance created it between our GET and POST: that is success.
            using var created = await PostAsync($"crm/v3/properties/{Escape(objectType)}", property, HubSpotJsonContext.Default.HubSpotPropertyDefinition, cancellationToken).ConfigureAwait(false);
            await ThrowUnlessCreatedOrConflictAsync(created, $"create property {property.Name}", cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Enrolls a contact in a (legacy v2, contact-based) workflow. HubSpot addresses the contact by email here.</summary>
    public async Task EnrollInWorkflowAsync(long workflowId, string contactEmail, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contactEmail);
        using var content = new ByteArrayContent([]);
        using var response = await http.PostAsync(
            new Uri($"automation/v2/workflows/{workflowId.ToString(CultureInfo.InvariantCulture)}/enrollments/contacts/{Escape(contactEmail)}", UriKind.Relative),
            content, cancellationToken).ConfigureAwait(false);
        await HubSpotApiException.ThrowIfFailedAsync(response, $"enroll contact in workflow {workflowId}", cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Ids of the (legacy v2) workflows a contact is currently enrolled in.</summary>
    public async Task<IReadOnlyList<long>> GetEnrolledWorkflowIdsAsync(string contactId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(contactId);
        using var response = await http.GetAsync(new Uri($"automation/v2/workflows/enrollments/contacts/{Escape(contactId)}", UriKind.Relative), cancellationToken).ConfigureAwait(false);
        var workflows = await ReadAsync(response, $"list workflow enrollments of contact {contactId}", HubSpotJsonContext.Default.ListWorkflowSummary, cancellationToken).ConfigureAwait(false);
        return [.. workflows.Select(w => w.Id)];
    }

    /// <summary>Contacts use <c>lastmodifieddate</c>; every other object <c>hs_lastmodifieddate</c>.</summary>
    internal static string ModifiedProperty(string objectType) =>
        objectType is "contacts" or "contact" ? "lastmodifieddate" : "hs_lastmodifieddate";

    /// <summary>HubSpot writes datetimes as ISO 8601 or as epoch milliseconds; both are accepted.</summary>
    internal static long? ParseTimestamp(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return null;
        }

        if (long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return ms;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at.ToUnixTimeMilliseconds() : null;
    }

    private static IEnumerable<string> FailedIds(List<HubSpotErrorDetail>? errors, string[] chunk, string category) =>
        (errors ?? []).Where(e => e.Category == category).SelectMany(e => e.Context?.GetValueOrDefault("ids") ?? []).Where(chunk.Contains);

    private static string Escape(string segment) => Uri.EscapeDataString(segment);

    private static DateTimeOffset? From(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;

    private static Task ForEachChunkAsync(int count, Func<int, CancellationToken, ValueTask> body, CancellationToken cancellationToken) =>
        count == 1
            ? body(0, cancellationToken).AsTask()
            : Parallel.ForEachAsync(Enumerable.Range(0, count), new ParallelOptions { MaxDegreeOfParallelism = ConcurrentBatches, CancellationToken = cancellationToken }, body);

    private async Task<HttpResponseMessage> PostAsync<T>(string path, T body, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        // Bytes, not a streaming JsonContent: the resilience and auth handlers may send the same request again.
        using var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, type));
        content.Headers.ContentType = new("application/json");
        return await http.PostAsync(new Uri(path, UriKind.Relative), content, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, string operation, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        await HubSpotApiException.ThrowIfFailedAsync(response, operation, cancellationToken).ConfigureAwait(false);
        var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        await using (stream.ConfigureAwait(false))
        {
            return await JsonSerializer.DeserializeAsync(stream, type, cancellationToken).ConfigureAwait(false)
                ?? throw new HubSpotApiException($"HubSpot {operation} returned an empty body.");
        }
    }

    private static async Task ThrowUnlessCreatedOrConflictAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.Conflict)
        {
            await HubSpotApiException.ThrowIfFailedAsync(response, operation, cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>An associated object's id, and whether the association is the primary one.</summary>
public sealed record AssociatedObject(string Id, bool IsPrimary);

/// <summary>Objects found, and the ids HubSpot did not know.</summary>
public sealed record BatchReadResult(IReadOnlyList<HubSpotObject> Objects, IReadOnlyList<string> MissingIds);

/// <summary>Properties to write on one object; values are strings, as HubSpot takes them.</summary>
public sealed record ObjectUpdate(string Id, IReadOnlyDictionary<string, string> Properties);

/// <summary>Ids written, the inputs HubSpot refused with its reason, and each written object's new modification time.</summary>
public sealed record BatchUpdateResult(IReadOnlyList<string> Updated, IReadOnlyList<FailedUpdate> Failed, IReadOnlyDictionary<string, DateTimeOffset> ModifiedAt)
{
    public static BatchUpdateResult Empty { get; } = new([], [], new Dictionary<string, DateTimeOffset>());
}

public sealed record FailedUpdate(string Id, string? Category, string? Message);
