using Azure;
using Azure.Data.Tables;

namespace LeadScoring.Core.Storage;

/// <summary>Named timestamps (e.g. the batch rescore's "contacts modified since") with optimistic concurrency.</summary>
public sealed class CheckpointStore(LeadScoringStorage storage)
{
    internal const string Partition = "checkpoints";

    // Every failed attempt means another writer succeeded, so this is only reached under pathological contention.
    private const int MaxAttempts = 100;

    private readonly TableClient _table = storage.Table(storage.Names.Checkpoints);

    public async Task<DateTimeOffset?> GetAsync(string name, CancellationToken cancellationToken = default)
    {
        var response = await _table.GetEntityIfExistsAsync<CheckpointEntity>(Partition, TableOperations.Key(name, nameof(name)), cancellationToken: cancellationToken)
            .ConfigureAwait(false);
        return response.HasValue ? Value(response.Value!) : null;
    }

    /// <summary>Moves the checkpoint to <paramref name="value"/> unless it is already there or later; concurrent setters end at the latest value.</summary>
    public async Task SetAsync(string name, DateTimeOffset value, CancellationToken cancellationToken = default) =>
        await AdvanceAsync(name, value, current => current < value, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Claims the run at <paramref name="slot"/> of a timer that several hosts share: true for exactly one caller
    /// unless a run was already claimed later than <paramref name="slot"/> − <paramref name="tolerance"/> (hosts whose
    /// timers started at different times claim each interval once when the tolerance is half the interval). No lease is
    /// held, so a host that died leaves nothing to wait for.
    /// </summary>
    public async Task<bool> TryClaimAsync(string name, DateTimeOffset slot, TimeSpan tolerance, CancellationToken cancellationToken = default) =>
        await AdvanceAsync(name, slot, current => current <= slot - tolerance && current < slot, cancellationToken).ConfigureAwait(false);

    /// <summary>Writes <paramref name="value"/> when there is no value yet or <paramref name="replaces"/> says so; true when this caller wrote it.</summary>
    private async Task<bool> AdvanceAsync(string name, DateTimeOffset value, Func<DateTimeOffset, bool> replaces, CancellationToken cancellationToken)
    {
        TableOperations.Key(name, nameof(name));
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var current = await _table.GetEntityIfExistsAsync<CheckpointEntity>(Partition, name, cancellationToken: cancellationToken).ConfigureAwait(false);
            try
            {
                if (!current.HasValue)
                {
                    await _table.AddEntityAsync(Entity(name, value), cancellationToken).ConfigureAwait(false);
                    return true;
                }

                if (!replaces(Value(current.Value!)))
                {
                    return false;
                }

                await _table.UpdateEntityAsync(Entity(name, value), current.Value!.ETag, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (RequestFailedException ex) when (TableOperations.IsConflict(ex) || TableOperations.IsPreconditionFailed(ex))
            {
                // Another writer got in between the read and the write: read again and compare with its value.
            }
        }

        throw new InvalidOperationException($"Checkpoint '{name}' could not be set after {MaxAttempts} attempts of contention.");
    }

    private static CheckpointEntity Entity(string name, DateTimeOffset value) =>
        new() { PartitionKey = Partition, RowKey = name, UtcTicks = value.UtcTicks, Value = value };

    private static DateTimeOffset Value(CheckpointEntity e) => new(e.UtcTicks, TimeSpan.Zero);
}

internal sealed class CheckpointEntity : ITableEntity
{
    public string PartitionKey { get; set; } = "";

    public string RowKey { get; set; } = "";

    public DateTimeOffset? Timestamp { get; set; }

    public ETag ETag { get; set; }

    /// <summary>The exact instant compared on; <see cref="Value"/> is for people reading the table.</summary>
    public long UtcTicks { get; set; }

    public DateTimeOffset Value { get; set; }
}
