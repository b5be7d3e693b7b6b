using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using LeadScoring.Core.HubSpot;

namespace LeadScoring.Core.Storage;

/// <summary>
/// Remembers which webhook events were already accepted (HubSpot's composite key, hashed: PK = portalId-x,
/// RK = <see cref="KeyOf"/>: SHA-256 hex of <see cref="HubSpotWebhookEvent.DedupeKey"/>).
/// </summary>
public sealed class WebhookEventLedger(LeadScoringStorage storage, TimeProvider clock)
{
    private readonly TableClient _table = storage.Table(storage.Names.WebhookEvents);

    /// <summary>The events not recorded yet, in input order; an event repeated within the input appears once (its first).</summary>
    public async Task<IReadOnlyList<AcceptedWebhookEvent>> WhereNewAsync(IReadOnlyList<AcceptedWebhookEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var distinct = events.DistinctBy(e => e.Key, StringComparer.Ordinal).ToList();
        var found = await TableOperations.ExistingAsync(_table, distinct.Select(Keys), cancellationToken).ConfigureAwait(false);
        return distinct.Where(e => !found.Contains(Keys(e))).ToList();
    }

    /// <summary>Marks the events as accepted; recording one again only refreshes its marker.</summary>
    public async Task RecordAsync(IReadOnlyList<AcceptedWebhookEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var receivedAt = clock.GetUtcNow();
        var markers = events.Select(e =>
        {
            var (partitionKey, rowKey) = Keys(e);
            return new WebhookEventEntity
            {
                PartitionKey = partitionKey,
                RowKey = rowKey,
                ReceivedAt = receivedAt,
                ObjectId = e.ObjectId,
            };
        });
        await TableOperations.UpsertAllAsync(_table, markers, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// PK = portal id + the hash's first hex digit: 16 partitions per portal spread a busy portal's events beyond one
    /// partition's throughput limit (~2,000 rows/s each), yet a batch of events still shares few enough partitions to
    /// be checked and recorded in a handful of queries and transactions.
    /// </summary>
    internal static (string PartitionKey, string RowKey) Keys(AcceptedWebhookEvent e) =>
        (string.Create(CultureInfo.InvariantCulture, $"{e.PortalId}-{e.Key[..1]}"), e.Key);

    /// <summary>The ledger's key of an event: SHA-256 hex of HubSpot's composite key.</summary>
    public static string KeyOf(HubSpotWebhookEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(e.DedupeKey)));
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

    public string ObjectId { get; set; } = "";
}
