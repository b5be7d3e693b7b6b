using System.Globalization;
using Azure;
using Azure.Data.Tables;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;

namespace LeadScoring.Core.Leads;

/// <summary>A lead's latest score as the lists need it: ids, codes and reason texts only, no PII.</summary>
/// <param name="TopReason">The strongest reason for the score, in words (no points).</param>
/// <param name="Missing">What the score could not see (e.g. "Company size unknown").</param>
/// <param name="ChangedAt">When the score last changed (or first appeared).</param>
/// <param name="Change">How it last changed: <c>new</c>, <c>up</c> or <c>down</c>.</param>
/// <param name="PreviousPriority">The priority before the last change; null for a new lead.</param>
public sealed record LeadIndexEntry(
    string ContactId,
    int Score,
    string Priority,
    int CloseProbability,
    string NextBestAction,
    string ModelVersion,
    DateTimeOffset ScoredAt,
    string? LeadSource,
    string? Industry,
    string? LifecycleStage,
    string? OwnerId,
    string? TopReason,
    IReadOnlyList<string> Missing,
    DateTimeOffset ChangedAt,
    string Change,
    string? PreviousPriority)
{
    /// <summary>A HubSpot owner id as stored (digits), or null for none or anything else.</summary>
    public static string? OwnerIdOf(string? value) =>
        value is { Length: > 0 and <= 20 } && value.All(char.IsAsciiDigit) ? value : null;
}

/// <summary>What a write-back recorded for a lead, to project into the index.</summary>
public sealed record LeadIndexUpdate(string ContactId, LeadFeatures Features, LeadScore Score, string NextBestAction, string? OwnerId);

/// <summary>Which leads a list asks for; null = any. Values are matched exactly (codes as HubSpot spells them).</summary>
public sealed record LeadFilter
{
    public string? Priority { get; init; }

    public string? NextBestAction { get; init; }

    public string? LeadSource { get; init; }

    public string? Industry { get; init; }

    public string? LifecycleStage { get; init; }

    public string? OwnerId { get; init; }

    /// <summary>Only leads whose score changed at or after this instant.</summary>
    public DateTimeOffset? ChangedSince { get; init; }

    /// <summary>Lifecycle stages left out (the call queue leaves out customers).</summary>
    public IReadOnlyList<string> ExcludedStages { get; init; } = [];
}

/// <summary>One page of a list, highest score first, and the token of the next page (null: the last page).</summary>
public sealed record LeadIndexPage(IReadOnlyList<LeadIndexEntry> Leads, string? Next);

/// <summary>
/// The latest score per contact, kept query-friendly. Table LeadIndex has one row per lead, partitioned by score
/// (PartitionKey "s" + 100 − score, three digits; RowKey the zero-padded contact id), so keys ascend from the highest
/// score down, ties by contact id. A page is "the next N rows after this key", asked of a few score partitions at a
/// time (a narrow range first, wider ones only when it is not full): no request reads the whole table, and no request
/// makes the service sort more than the leads of the partitions it asks for (Azurite sorts every match). Table
/// LeadIndexById holds the same entry by contact id, for lookups and to know which rank row is current.
/// </summary>
public sealed class LeadIndexStore(LeadScoringStorage storage)
{
    internal const string ContactPartition = "contact";
    private const int ContactIdWidth = 20;

    /// <summary>Score partitions asked for first; each further range is three times wider.</summary>
    private const int FirstRange = 4;

    private readonly TableClient _ranks = storage.Table(storage.Names.LeadIndex);
    private readonly TableClient _byId = storage.Table(storage.Names.LeadIndexById);

    /// <summary>The key ordering leads by score, highest first, then by contact id (also the page token).</summary>
    public static string RankKey(int score, string contactId) =>
        string.Create(CultureInfo.InvariantCulture, $"{100 - Math.Clamp(score, 0, 100):D3}-{contactId.PadLeft(ContactIdWidth, '0')}");

    /// <summary>True when <paramref name="value"/> has the shape of a rank key (a page token).</summary>
    public static bool IsRankKey(string value) =>
        value is { Length: 4 + ContactIdWidth } && value[3] == '-' && value.Remove(3, 1).All(char.IsAsciiDigit)
        && int.Parse(value.AsSpan(0, 3), CultureInfo.InvariantCulture) <= 100;

    internal static string PartitionOf(string rankKey) => "s" + rankKey[..3];

    internal static string RowOf(string rankKey) => rankKey[4..];

    private static string Partition(int inverted) => string.Create(CultureInfo.InvariantCulture, $"s{inverted:D3}");

    /// <summary>
    /// Projects the scores (one contact given twice: the last wins). The by-id row is written first and names, besides
    /// the new rank key, every rank key the lead may still have a row under (the one it leaves and any a crashed write
    /// left behind); then the new rank row; then those old rows are deleted. A crash anywhere leaves the by-id row
    /// knowing every rank row of the lead, so the next write removes them all — an old rank row, which could show the
    /// lead at its old score, never outlives the next write (lists also drop duplicates meanwhile).
    /// </summary>
    public async Task SetManyAsync(IReadOnlyCollection<LeadIndexUpdate> updates, DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(updates);
        var latest = updates.GroupBy(u => u.ContactId, StringComparer.Ordinal).Select(g => g.Last()).ToList();
        if (latest.Count == 0)
        {
            return;
        }

        var keys = latest.Select(u => (ContactPartition, TableOperations.Key(u.ContactId, nameof(updates)))).ToList();
        var previous = await TableOperations.GetManyAsync<LeadIndexEntity>(_byId, keys, select: null, cancellationToken).ConfigureAwait(false);
        var rows = latest.Select((u, i) => LeadIndexEntity.From(u, previous[i], now)).ToList();

        await TableOperations.UpsertAllAsync(_byId, rows.Select(r => r.WithKeys(ContactPartition, r.ContactId)), cancellationToken).ConfigureAwait(false);
        await TableOperations.UpsertAllAsync(_ranks, rows.Select(r => r.AsRankRow(PartitionOf(r.RankKey), RowOf(r.RankKey))), cancellationToken).ConfigureAwait(false);
        var retired = rows.SelectMany(r => r.RetiredRankKeyList()).ToList();
        await Parallel.ForEachAsync(retired, TableOperations.ParallelOptions(cancellationToken), async (rankKey, token) =>
        {
            using var response = await _ranks.DeleteEntityAsync(PartitionOf(rankKey), RowOf(rankKey), ETag.All, token).ConfigureAwait(false);
        }).ConfigureAwait(false);
    }

    /// <summary>The lead's entry, or null when it was never scored (a point read).</summary>
    public async Task<LeadIndexEntry?> FindAsync(string contactId, CancellationToken cancellationToken = default)
    {
        var found = await _byId.GetEntityIfExistsAsync<LeadIndexEntity>(ContactPartition, TableOperations.Key(contactId, nameof(contactId)), cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue && found.Value is { } entity ? entity.ToEntry() : null;
    }

    /// <summary>
    /// Up to <paramref name="take"/> leads matching the filter after the rank key <paramref name="after"/> (null: from
    /// the top), highest score first. The filter runs in the table service; only the page (and one row to know whether
    /// there is a next page) crosses the wire.
    /// </summary>
    public async Task<LeadIndexPage> PageAsync(LeadFilter filter, string? after, int take, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentOutOfRangeException.ThrowIfLessThan(take, 1);
        if (after is not null && !IsRankKey(after))
        {
            throw new ArgumentException($"'{after}' is not a page token of this list.", nameof(after));
        }

        var conditions = Conditions(filter);
        var found = new List<LeadIndexEntity>(take + 1);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var start = after is null ? 0 : int.Parse(after.AsSpan(0, 3), CultureInfo.InvariantCulture);
        for (int low = start, width = FirstRange; low <= 100 && found.Count <= take; low += width, width *= 3)
        {
            var high = Math.Min(100, low + width - 1);
            var range = TableClient.CreateQueryFilter($"PartitionKey ge {Partition(low)} and PartitionKey le {Partition(high)}");
            if (after is not null && low == start)
            {
                range = $"({TableClient.CreateQueryFilter($"PartitionKey eq {Partition(low)} and RowKey gt {RowOf(after)}")}) or ("
                    + TableClient.CreateQueryFilter($"PartitionKey gt {Partition(low)} and PartitionKey le {Partition(high)}") + ")";
            }

            var query = $"({range}){conditions}";
            await foreach (var row in _ranks.QueryAsync<LeadIndexEntity>(query, maxPerPage: Math.Min(take + 1 - found.Count, 1000), cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                if (seen.Add(row.ContactId))
                {
                    found.Add(row);
                }

                if (found.Count > take)
                {
                    break;
                }
            }
        }

        var more = found.Count > take;
        var page = found.Take(take).ToList();
        return new LeadIndexPage([.. page.Select(e => e.ToEntry())], more ? page[^1].RankKey : null);
    }

    /// <summary>Removes the lead (privacy deletion); absent is fine.</summary>
    public async Task ForgetAsync(string contactId, CancellationToken cancellationToken = default)
    {
        if (await FindAsync(contactId, cancellationToken).ConfigureAwait(false) is { } entry)
        {
            var rankKey = RankKey(entry.Score, entry.ContactId);
            using var rank = await _ranks.DeleteEntityAsync(PartitionOf(rankKey), RowOf(rankKey), ETag.All, cancellationToken).ConfigureAwait(false);
        }

        using var contact = await _byId.DeleteEntityAsync(ContactPartition, TableOperations.Key(contactId, nameof(contactId)), ETag.All, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The filter's conditions, each as " and (…)".</summary>
    private static string Conditions(LeadFilter f)
    {
        var clauses = new List<string>();
        void Equal(string property, string? value)
        {
            if (value is not null)
            {
                clauses.Add(property + " eq " + TableClient.CreateQueryFilter($"{value}"));
            }
        }

        Equal(nameof(LeadIndexEntity.Priority), f.Priority);
        Equal(nameof(LeadIndexEntity.NextBestAction), f.NextBestAction);
        Equal(nameof(LeadIndexEntity.LeadSource), f.LeadSource);
        Equal(nameof(LeadIndexEntity.Industry), f.Industry);
        Equal(nameof(LeadIndexEntity.LifecycleStage), f.LifecycleStage);
        Equal(nameof(LeadIndexEntity.OwnerId), f.OwnerId);
        if (f.ChangedSince is { } since)
        {
            clauses.Add(TableClient.CreateQueryFilter($"ChangedAt ge {since}"));
        }

        foreach (var stage in f.ExcludedStages)
        {
            clauses.Add(nameof(LeadIndexEntity.LifecycleStage) + " ne " + TableClient.CreateQueryFilter($"{stage}"));
        }

        return string.Concat(clauses.Select(c => " and (" + c + ")"));
    }
}

internal sealed class LeadIndexEntity : ITableEntity
{
    private const char MissingSeparator = '\n';

    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string ContactId { get; set; } = "";

    public string RankKey { get; set; } = "";

    public int Score { get; set; }

    public string Priority { get; set; } = "";

    public int CloseProbability { get; set; }

    public string NextBestAction { get; set; } = "";

    public string ModelVersion { get; set; } = "";

    public DateTimeOffset ScoredAt { get; set; }

    // Unknown codes are stored as "" (never left out), so "ne" filters keep the leads that lack them.
    public string LeadSource { get; set; } = "";

    public string Industry { get; set; } = "";

    public string LifecycleStage { get; set; } = "";

    public string OwnerId { get; set; } = "";

    public string TopReason { get; set; } = "";

    public string Missing { get; set; } = "";

    public DateTimeOffset ChangedAt { get; set; }

    public string Change { get; set; } = "";

    public string PreviousPriority { get; set; } = "";

    /// <summary>By-id rows only: rank keys other than <see cref="RankKey"/> the lead may still have a rank row under.</summary>
    public string RetiredRankKeys { get; set; } = "";

    public IEnumerable<string> RetiredRankKeyList() =>
        RetiredRankKeys.Length == 0 ? [] : RetiredRankKeys.Split(MissingSeparator);

    public static LeadIndexEntity From(LeadIndexUpdate u, LeadIndexEntity? previous, DateTimeOffset now)
    {
        var score = u.Score;
        var changed = previous is null || previous.Score != score.Score;
        return new LeadIndexEntity
        {
            ContactId = u.ContactId,
            RankKey = LeadIndexStore.RankKey(score.Score, u.ContactId),
            Score = score.Score,
            Priority = score.Priority.ToString(),
            CloseProbability = score.CloseProbability,
            NextBestAction = u.NextBestAction,
            ModelVersion = score.ModelVersion,
            ScoredAt = score.ScoredAt,
            LeadSource = u.Features.LeadSource ?? "",
            Industry = u.Features.Industry ?? "",
            LifecycleStage = u.Features.LifecycleStage ?? "",
            OwnerId = LeadIndexEntry.OwnerIdOf(u.OwnerId) ?? "",
            TopReason = score.TopReasons.Where(r => r.Impact > 0).Select(r => r.Text).FirstOrDefault() ?? "",
            Missing = string.Join(MissingSeparator, MissingInWords(score)),
            ChangedAt = changed ? now : previous!.ChangedAt,
            Change = previous is null ? "new" : !changed ? previous.Change : score.Score > previous.Score ? "up" : "down",
            PreviousPriority = previous is null ? "" : changed ? previous.Priority : previous.PreviousPriority,
            RetiredRankKeys = string.Join(MissingSeparator, Retired(previous, LeadIndexStore.RankKey(score.Score, u.ContactId))),
        };
    }

    // The previous write's rank key and the one it was leaving (whose delete a crash may have cut off): deleted after
    // this write, and kept on record until then. Two generations bound the deletes per write at two (an absent row's
    // delete is harmless); only two crashed writes in a row could leave an old row behind.
    private static IEnumerable<string> Retired(LeadIndexEntity? previous, string rankKey) =>
        previous is null
            ? []
            : previous.RetiredRankKeyList().Prepend(previous.RankKey).Take(2).Where(k => k.Length > 0 && k != rankKey).Distinct(StringComparer.Ordinal);

    /// <summary>This entry as a row of the score-ordered table (which has no use for the retired keys).</summary>
    public LeadIndexEntity AsRankRow(string partitionKey, string rowKey)
    {
        var copy = WithKeys(partitionKey, rowKey);
        copy.RetiredRankKeys = "";
        return copy;
    }

    /// <summary>What the score could not see, as its factors' own words ("Company size unknown"), not factor codes.</summary>
    private static IEnumerable<string> MissingInWords(LeadScore score)
    {
        var c = score.Components;
        var reasons = new[] { c.Fit, c.Engagement, c.Outcome, c.Recency }.SelectMany(component => component.Factors)
            .Where(f => f.Points is null).GroupBy(f => f.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First().Reason, StringComparer.Ordinal);
        return score.MissingData.Select(name => reasons.GetValueOrDefault(name, name)).Distinct(StringComparer.Ordinal);
    }

    public LeadIndexEntity WithKeys(string partitionKey, string rowKey)
    {
        var copy = (LeadIndexEntity)MemberwiseClone();
        copy.PartitionKey = partitionKey;
        copy.RowKey = rowKey;
        copy.ETag = default;
        return copy;
    }

    public LeadIndexEntry ToEntry() => new(
        ContactId, Score, Priority, CloseProbability, NextBestAction, ModelVersion, ScoredAt,
        NullIfEmpty(LeadSource), NullIfEmpty(Industry), NullIfEmpty(LifecycleStage), NullIfEmpty(OwnerId), NullIfEmpty(TopReason),
        Missing.Length == 0 ? [] : Missing.Split(MissingSeparator), ChangedAt, Change, NullIfEmpty(PreviousPriority));

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
