using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.Pipeline;

/// <summary>What one batch rescore did (the BatchRescore orchestration's output).</summary>
/// <param name="Enqueued">Contacts handed to ScoreLeads (the name the admin route has always answered with).</param>
public sealed record BatchRescoreResult(int Enqueued, DateTimeOffset Since, DateTimeOffset? Checkpoint);

/// <summary>The contacts modified in [Since, Until) that one rescore run covers; Since is the checkpoint minus the overlap.</summary>
public sealed record RescoreWindow(DateTimeOffset Since, DateTimeOffset Until);

/// <summary>Where paging resumes: after this modification time, skipping the ids already returned at exactly that time.</summary>
public sealed record RescoreCursor(DateTimeOffset Since, DateTimeOffset Until, IReadOnlyList<string> SeenAtSince);

/// <summary>One page of modified contacts, oldest first, and where the next page starts (null: nothing more).</summary>
/// <param name="Newest">The newest modification time in the page: the checkpoint may advance to it once the page is scored.</param>
public sealed record ModifiedContactsPage(IReadOnlyList<string> ContactIds, DateTimeOffset? Newest, RescoreCursor? Next);

/// <summary>
/// The safety net behind webhooks, as steps of the BatchRescore orchestration: the window since the stored checkpoint
/// (minus a small overlap for HubSpot's search-index lag), pages of modified contacts oldest first, and the checkpoint
/// advanced to the newest modification time scored — never past anything not yet scored.
/// </summary>
public sealed partial class BatchRescore(
    HubSpotClient hubspot, CheckpointStore checkpoints, PipelineHealth health,
    IOptions<PipelineOptions> options, LeadScoring.Core.Monitoring.LeadScoringMetrics metrics, ILogger<BatchRescore> logger)
{
    public const string CheckpointName = "contacts-modified";

    /// <summary>The run's window: from the checkpoint (minus the overlap), or the beginning of time on a fresh install, to <paramref name="until"/>.</summary>
    public async Task<RescoreWindow> BeginAsync(DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        var checkpoint = await checkpoints.GetAsync(CheckpointName, cancellationToken).ConfigureAwait(false);
        return new RescoreWindow(checkpoint is { } at ? at - options.Value.CheckpointOverlap : DateTimeOffset.UnixEpoch, until);
    }

    /// <summary>True when no checkpoint exists yet: a fresh install, which scores the whole portal at start-up.</summary>
    public async Task<bool> IsFreshInstallAsync(CancellationToken cancellationToken = default) =>
        await checkpoints.GetAsync(CheckpointName, cancellationToken).ConfigureAwait(false) is null;

    /// <summary>Up to <paramref name="max"/> contacts modified in the cursor's window, oldest first (search pages read by key).</summary>
    public async Task<ModifiedContactsPage> FindModifiedAsync(RescoreCursor cursor, int max, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        var skip = cursor.SeenAtSince.ToHashSet(StringComparer.Ordinal);
        var sinceMs = cursor.Since.ToUnixTimeMilliseconds();
        var ids = new List<string>(max);
        long? newest = null;
        var atNewest = new List<string>();
        await foreach (var contact in hubspot.SearchModifiedSinceAsync("contacts", cursor.Since, [], until: cursor.Until, cancellationToken).ConfigureAwait(false))
        {
            var at = HubSpotClient.ParseTimestamp(contact.Get("lastmodifieddate")) ?? sinceMs;
            if (at == sinceMs && skip.Contains(contact.Id))
            {
                continue;
            }

            if (ids.Count == max)
            {
                // One more exists: the next page starts at the newest time taken, skipping what was taken at it.
                var seen = newest == sinceMs ? [.. cursor.SeenAtSince, .. atNewest] : atNewest;
                return new ModifiedContactsPage(ids, From(newest), new RescoreCursor(From(newest)!.Value, cursor.Until, seen));
            }

            ids.Add(contact.Id);
            if (newest != at)
            {
                newest = Math.Max(newest ?? at, at);
                atNewest = [];
            }

            atNewest.Add(contact.Id);
        }

        return new ModifiedContactsPage(ids, From(newest), null);
    }

    /// <summary>Moves the checkpoint to <paramref name="newest"/> (never backwards: a later run may have moved it already).</summary>
    public async Task AdvanceCheckpointAsync(DateTimeOffset newest, CancellationToken cancellationToken = default)
    {
        var current = await checkpoints.GetAsync(CheckpointName, cancellationToken).ConfigureAwait(false);
        if (current is null || current < newest)
        {
            await checkpoints.SetAsync(CheckpointName, newest, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Records the finished (or failed) run in health and metrics; returns what the admin route answers.</summary>
    public async Task<BatchRescoreResult> FinishAsync(RescoreWindow window, int scored, DateTimeOffset started, string? error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(window);
        health.BatchRan(scored, started, error);
        metrics.BatchRan(scored, failed: error is not null);
        LogRan(logger, scored, window.Since, error);
        return new BatchRescoreResult(scored, window.Since, await checkpoints.GetAsync(CheckpointName, cancellationToken).ConfigureAwait(false));
    }

    private static DateTimeOffset? From(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch rescore scored {Scored} contacts modified since {Since:O} (error: {Error})")]
    private static partial void LogRan(ILogger logger, int scored, DateTimeOffset since, string? error);
}
