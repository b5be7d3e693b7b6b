using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;

namespace LeadScoring.Core.Storage;

/// <summary>
/// A dashboard session as the server keeps it: role, a fingerprint of the key that made it (never the key), and when
/// it was made and ends. <paramref name="KeyFingerprint"/> is null for an Entra ID sign-in; <paramref name="OwnerId"/> is
/// the HubSpot owner id an Entra ID token carried (for "My leads"), an id and never a name.
/// </summary>
public sealed record SessionRecord(string Id, string Role, string? KeyFingerprint, DateTimeOffset CreatedAt, DateTimeOffset ExpiresAt, string? OwnerId = null);

/// <summary>
/// Server-side dashboard sessions (table Sessions): the cookie carries only the session id, so signing out — deleting
/// the row — ends the session on every instance at once. Rows are keyed by a SHA-256 of the id, so reading the table
/// gives no cookie that would work.
/// </summary>
public sealed class SessionStore(LeadScoringStorage storage)
{
    private const string Row = "session";

    private readonly TableClient _table = storage.Table(storage.Names.Sessions);

    /// <summary>A new random session id (256 bits, URL-safe).</summary>
    public static string NewId() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public async Task CreateAsync(SessionRecord session, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        await _table.AddEntityAsync(new SessionEntity
        {
            PartitionKey = Key(session.Id),
            RowKey = Row,
            Role = session.Role,
            KeyFingerprint = session.KeyFingerprint,
            OwnerId = session.OwnerId,
            CreatedAt = session.CreatedAt,
            ExpiresAt = session.ExpiresAt,
        }, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SessionRecord?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        var found = await _table.GetEntityIfExistsAsync<SessionEntity>(Key(id), Row, cancellationToken: cancellationToken).ConfigureAwait(false);
        return found.HasValue && found.Value is { } e ? new SessionRecord(id, e.Role, e.KeyFingerprint, e.CreatedAt, e.ExpiresAt, e.OwnerId) : null;
    }

    /// <summary>Ends the session (a no-op when it is already gone).</summary>
    public async Task DeleteAsync(string id, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(id))
        {
            return;
        }

        await DeleteRowAsync(Key(id), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes the sessions that ended before <paramref name="now"/> and were never presented again (a presented one is
    /// deleted when seen): the table stays the size of the live sessions. Returns how many were deleted.
    /// </summary>
    public async Task<int> DeleteExpiredAsync(DateTimeOffset now, CancellationToken cancellationToken = default)
    {
        var expired = new List<string>();
        var filter = TableClient.CreateQueryFilter($"ExpiresAt lt {now}");
        await foreach (var row in _table.QueryAsync<SessionEntity>(filter, select: [nameof(SessionEntity.PartitionKey)], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            expired.Add(row.PartitionKey);
        }

        foreach (var partition in expired)
        {
            await DeleteRowAsync(partition, cancellationToken).ConfigureAwait(false);
        }

        return expired.Count;
    }

    // Absent is fine: signed out, or swept, meanwhile.
    private async Task DeleteRowAsync(string partition, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await _table.DeleteEntityAsync(partition, Row, ETag.All, cancellationToken).ConfigureAwait(false);
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
        }
    }

    private static string Key(string id) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(id)));
}

internal sealed class SessionEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Role { get; set; } = "";

    public string? KeyFingerprint { get; set; }

    public string? OwnerId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset ExpiresAt { get; set; }
}
