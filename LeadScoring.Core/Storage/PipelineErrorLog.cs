using System.Globalization;
using System.Security.Cryptography;
using Azure;
using Azure.Data.Tables;

namespace LeadScoring.Core.Storage;

/// <summary>An error the pipeline could not recover from.</summary>
/// <param name="Stage">Where it happened, as a code (e.g. <c>score</c>, <c>write-back</c>, <c>poison</c>).</param>
/// <param name="Message">What went wrong: ids, codes and exception messages only, never PII.</param>
/// <param name="MessageId">The queue message concerned, if any.</param>
public sealed record PipelineError(string Stage, string? ContactId, string Message, string? MessageId, DateTimeOffset At);

/// <summary>Errors the pipeline could not recover from (poisoned messages, failed write-backs), newest first; messages must not contain PII.</summary>
public sealed class PipelineErrorLog(LeadScoringStorage storage, TimeProvider clock)
{
    /// <summary>Longer messages are cut to this many characters.</summary>
    public const int MaxMessageLength = 4000;

    private const int LookbackDays = 31;
    private const int DaysPerRound = 8;

    private readonly TableClient _table = storage.Table(storage.Names.PipelineErrors);

    /// <summary>Appends the error (PK = yyyyMMdd of its time, RK = inverted ticks + a random suffix, so equal times do not collide).</summary>
    public async Task RecordAsync(PipelineError error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(error);
        var message = error.Message.Length > MaxMessageLength ? string.Concat(error.Message.AsSpan(0, MaxMessageLength - 1), "…") : error.Message;
        var entity = new PipelineErrorEntity
        {
            PartitionKey = Day(error.At),
            RowKey = $"{TableOperations.InvertedTicks(error.At)}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}",
            Stage = error.Stage,
            ContactId = error.ContactId,
            Message = message,
            MessageId = error.MessageId,
            At = error.At,
        };
        await _table.AddEntityAsync(entity, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The <paramref name="take"/> newest errors. Reads day partitions back from today (a few in parallel) for a
    /// month; if that does not fill <paramref name="take"/>, scans the rest of the table, so errors recorded with
    /// an old or future clock (a test's fake time) are still found.
    /// </summary>
    public async Task<IReadOnlyList<PipelineError>> RecentAsync(int take, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(take);
        if (take == 0)
        {
            return [];
        }

        var newest = clock.GetUtcNow().UtcDateTime.Date.AddDays(1); // tomorrow, for a writer whose clock is a little ahead
        var found = new List<PipelineErrorEntity>();
        for (var first = 0; first < LookbackDays && found.Count < take; first += DaysPerRound)
        {
            var remaining = take - found.Count;
            var days = Enumerable.Range(first, Math.Min(DaysPerRound, LookbackDays - first)).Select(i => Day(newest.AddDays(-i)));
            foreach (var day in await Task.WhenAll(days.Select(d => PartitionAsync(d, remaining, cancellationToken))).ConfigureAwait(false))
            {
                found.AddRange(day);
            }
        }

        // Fewer than asked means every day read was read completely, so rows outside those days may still be newer.
        if (found.Count < take)
        {
            var filter = TableClient.CreateQueryFilter($"PartitionKey lt {Day(newest.AddDays(1 - LookbackDays))} or PartitionKey gt {Day(newest)}");
            await foreach (var e in _table.QueryAsync<PipelineErrorEntity>(filter, cancellationToken: cancellationToken).ConfigureAwait(false))
            {
                found.Add(e);
            }
        }

        return found.OrderBy(e => e.RowKey, StringComparer.Ordinal).Take(take)
            .Select(e => new PipelineError(e.Stage, e.ContactId, e.Message, e.MessageId, TableOperations.FromInvertedTicks(e.RowKey)))
            .ToList();
    }

    private async Task<List<PipelineErrorEntity>> PartitionAsync(string day, int take, CancellationToken cancellationToken = default)
    {
        var rows = new List<PipelineErrorEntity>();
        var query = _table.QueryAsync<PipelineErrorEntity>(TableClient.CreateQueryFilter($"PartitionKey eq {day}"), maxPerPage: Math.Min(take, 1000), cancellationToken: cancellationToken);
        await foreach (var e in query.ConfigureAwait(false))
        {
            rows.Add(e);
            if (rows.Count == take)
            {
                break;
            }
        }

        return rows;
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyyMMdd", CultureInfo.InvariantCulture);

    private static string Day(DateTime utcDate) => utcDate.ToString("yyyyMMdd", CultureInfo.InvariantCulture);
}

internal sealed class PipelineErrorEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    public string Stage { get; set; } = "";

    public string? ContactId { get; set; }

    public string Message { get; set; } = "";

    public string? MessageId { get; set; }

    public DateTimeOffset At { get; set; }
}
