using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using LeadScoring.Core.HubSpot;

namespace LeadScoring.Core.Storage;

/// <summary>
/// Remembers which webhook events were already accepted (HubSpot's composite key, hashed: PK = portalId-xx,
/// RK = SHA-256 hex of <see cref="HubSpotWebhookEvent.DedupeKey"/>).
/// </summary>
public sealed class WebhookEventLedger(LeadScoringStorage storage)
{
    private static readonly string[] KeyOnly = ["PartitionKey"];

    private readonly TableClient _table = storage.Table(storage.Names.WebhookEvents);

    /// <summary>The events not recorded yet, in input order; an event repeated within the input appears once (its first).</summary>
    public async Task<IReadOnlyList<HubSpotWebhookEvent>> WhereNewAsync(IReadOnlyList<HubSpotWebhookEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var distinct = events.DistinctBy(e => e.DedupeKey, StringComparer.Ordinal).ToList();
        var keys = distinct.Select(Keys).ToList();
        var found = await TableOperations.GetManyAsync<TableEntity>(_table, keys, KeyOnly, cancellationToken).ConfigureAwait(false);
        return distinct.Where((_, i) => found[i] is null).ToList();
    }

    /// <summary>Marks the events as accepted; recording one again only refreshes its marker.</summary>
    public async Task RecordAsync(IReadOnlyList<HubSpotWebhookEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var receivedAt = DateTimeOffset.UtcNow;
        var markers = events.Select(e =>
        {
            var (partitionKey, rowKey) = Keys(e);
            return new WebhookEventEntity
            {
                PartitionKey = partitionKey,
                RowKey = rowKey,
                ReceivedAt = receivedAt,
                EventId = e.EventId,
                ObjectId = e.ObjectId,
            };
        });
        await TableOperations.UpsertAllAsync(_table, markers, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// PK = portal id + the hash's first two hex digits (256 partitions per portal), so a busy portal's events spread
    /// over many table partitions instead of hitting one partition's throughput limit.
    /// </summary>
    internal static (string PartitionKey, string RowKey) Keys(HubSpotWebhookEvent e)
    {
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(e.DedupeKey)));
        return (string.Create(CultureInfo.InvariantCulture, $"{e.PortalId}-{hash[..2]}"), hash);
    }
}

/// <summary>A marker row: only ids and the time it was accepted.</summary>
internal sealed class WebhookEventEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public long EventId { get; set; }

    public long ObjectId { get; set; }
}
