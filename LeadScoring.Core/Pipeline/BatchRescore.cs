using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.Pipeline;

/// <summary>What one batch rescore did (the BatchRescore orchestration's output).</summary>
/// <param name="Enqueued">Contacts gathered and scored (the name the admin route has always answered with).</param>
/// <param name="Skipped">Contacts modified in the window whose only change was our own write-back: not gathered.</param>
public sealed record BatchRescoreResult(int Enqueued, DateTimeOffset Since, DateTimeOffset? Checkpoint, int Skipped = 0);

/// <summary>The contacts modified in [Since, Until) that one rescore run covers; Since is the checkpoint minus the overlap.</summary>
public sealed record RescoreWindow(DateTimeOffset Since, DateTimeOffset Until);

/// <summary>Where paging resumes: after this modification time, skipping the ids already returned at exactly that time.</summary>
public sealed record RescoreCursor(DateTimeOffset Since, DateTimeOffset Until, IReadOnlyList<string> SeenAtSince);

/// <summary>One page of modified contacts, oldest first, and where the next page starts (null: nothing more).</summary>
/// <param name="Newest">The newest modification time in the page: the checkpoint may advance to it once the page is scored.</param>
/// <param name="Skipped">Contacts passed over because their last modification was our own write-back.</param>
public sealed record ModifiedContactsPage(IReadOnlyList<string> ContactIds, DateTimeOffset? Newest, RescoreCursor? Next, int Skipped = 0);

/// <summary>
/// The safety net behind webhooks, as steps of the BatchRescore orchestration: the window since the stored checkpoint
/// (minus a small overlap for HubSpot's search-index lag), pages of modified contacts oldest first, and the checkpoint
/// advanced to the newest modification time scored — never past anything not yet scored.
/// </summary>
public sealed partial class BatchRescore(
    HubSpotClient hubspot, CheckpointStore checkpoints, LastWrittenScoreStore lastWritten, PipelineHealth health,
    IOptions<PipelineOptions> options, LeadScoring.Core.Monitoring.LeadScoringMetrics metrics, ILogger<BatchRescore> logger)
{
    public const string CheckpointName = "contacts-modified";

    /// <summary>
    /// The run's window: from the checkpoint (minus the overlap), or the beginning of time on a fresh install or when
    /// the whole portal is asked for, to <paramref name="until"/>.
    /// </summary>
    public async Task<RescoreWindow> BeginAsync(DateTimeOffset until, bool wholePortal = false, CancellationToken cancellationToken = default)
    {
        var checkpoint = wholePortal ? null : await checkpoints.GetAsync(CheckpointName, cancellationToken).ConfigureAwait(false);
        return new RescoreWindow(checkpoint is { } at ? at - options.Value.CheckpointOverlap : DateTimeOffset.UnixEpoch, until);
    }

    /// <summary>True when no checkpoint exists yet: a fresh install, which scores the whole portal at start-up.</summary>
    public async Task<bool> IsFreshInstallAsync(CancellationToken cancellationToken = default) =>
        await checkpoints.GetAsync(CheckpointName, cancellationToken).ConfigureAwait(false) is null;

    /// <summary>
    /// Up to <paramref name="max"/> contacts modified in the cursor's window, oldest first (search pages read by key),
    /// passing over those whose last modification is our own write-back (their lastmodifieddate is the one HubSpot gave
    /// our batch update, within <see cref="PipelineOptions.OwnWriteEchoWindow"/>): rescoring them would gather the
    /// same data again. At most <paramref name="maxExamined"/> contacts are looked at, so one call stays short on a
    /// portal where nearly everything is our own echo; the cursor says where to go on.
    /// </summary>
    /// <param name="skipOwnWrites">False for a whole-portal rescore, which scores everyone (e.g. after a scoring change).</param>
    public async Task<ModifiedContactsPage> FindModifiedAsync(
        RescoreCursor cursor, int max, int maxExamined = 2_000, bool skipOwnWrites = true, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(cursor);
        ArgumentOutOfRangeException.ThrowIfLessThan(max, 1);
        var skip = cursor.SeenAtSince.ToHashSet(StringComparer.Ordinal);
        var sinceMs = cursor.Since.ToUnixTimeMilliseconds();
        var ids = new List<string>(max);
        var examined = 0;
        var skipped = 0;
        long? newest = null;
        var atNewest = new List<string>();
        var buffer = new List<(string Id, long At)>(HubSpotClient.SearchPageSize);

        ModifiedContactsPage More() =>
            new(ids, From(newest), new RescoreCursor(From(newest)!.Value, cursor.Until, newest == sinceMs ? [.. cursor.SeenAtSince, .. atNewest] : atNewest), skipped);

        // Decides a buffered search page at once (one table lookup for it); null: go on reading.
        async Task<ModifiedContactsPage?> DrainAsync()
        {
            var echoes = skipOwnWrites ? await OwnEchoesAsync(buffer, cancellationToken).ConfigureAwait(false) : [];
            foreach (var (id, at) in buffer)
            {
                if (ids.Count == max || examined == maxExamined)
                {
                    // One more exists: the next page starts at the newest time taken, skipping what was taken at it.
                    return More();
                }

                examined++;
                if (echoes.Contains(id))
                {
                    skipped++;
                }
                else
                {
                    ids.Add(id);
                }

                if (newest != at)
                {
                    newest = Math.Max(newest ?? at, at);
                    atNewest = [];
                }

                atNewest.Add(id);
            }

            buffer.Clear();

            // Full: say so now rather than read a search page only to learn that more exist (the next call finds out).
            return ids.Count == max || examined == maxExamined ? More() : null;
        }

        await foreach (var contact in hubspot.SearchModifiedSinceAsync("contacts", cursor.Since, [], until: cursor.Until, cancellationToken).ConfigureAwait(false))
        {
            var at = HubSpotClient.ParseTimestamp(contact.Get("lastmodifieddate")) ?? sinceMs;
            if (at == sinceMs && skip.Contains(contact.Id))
            {
                continue;
            }

            buffer.Add((contact.Id, at));
            if (buffer.Count == HubSpotClient.SearchPageSize && await DrainAsync().ConfigureAwait(false) is { } full)
            {
                return full;
            }
        }

        return await DrainAsync().ConfigureAwait(false) ?? new ModifiedContactsPage(ids, From(newest), null, skipped);
    }

    /// <summary>The contacts among these whose modification time is no later than our last write-back to them (plus the echo window).</summary>
    private async Task<HashSet<string>> OwnEchoesAsync(List<(string Id, long At)> contacts, CancellationToken cancellationToken)
    {
        if (contacts.Count == 0)
        {
            return [];
        }

        var written = await lastWritten.GetManyAsync([.. contacts.Select(c => c.Id)], cancellationToken).ConfigureAwait(false);
        var window = (long)options.Value.OwnWriteEchoWindow.TotalMilliseconds;
        return contacts
            .Where(c => written.GetValueOrDefault(c.Id)?.HubSpotModifiedAt is { } ours && c.At <= ours.ToUnixTimeMilliseconds() + window)
            .Select(c => c.Id)
            .ToHashSet(StringComparer.Ordinal);
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
    public async Task<BatchRescoreResult> FinishAsync(RescoreWindow window, int scored, int skipped, DateTimeOffset started, string? error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(window);
        health.BatchRan(scored, started, error);
        metrics.BatchRan(scored, failed: error is not null);
        LogRan(logger, scored, skipped, window.Since, error);
        return new BatchRescoreResult(scored, window.Since, await checkpoints.GetAsync(CheckpointName, cancellationToken).ConfigureAwait(false), skipped);
    }

    private static DateTimeOffset? From(long? ms) => ms is { } value ? DateTimeOffset.FromUnixTimeMilliseconds(value) : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch rescore scored {Scored} contacts modified since {Since:O}, skipped {Skipped} whose last change was our own write (error: {Error})")]
    private static partial void LogRan(ILogger logger, int scored, int skipped, DateTimeOffset since, string? error);
}
