using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.Pipeline;

/// <summary>What one batch rescore did.</summary>
public sealed record BatchRescoreResult(int Enqueued, DateTimeOffset Since, DateTimeOffset? Checkpoint);

/// <summary>
/// The safety net behind webhooks: enqueues every contact modified since the stored checkpoint (minus a small
/// overlap for HubSpot's search-index lag). Results come oldest first, so after each enqueued chunk the checkpoint
/// advances to the newest modification time enqueued — never past anything not yet enqueued.
/// </summary>
public sealed partial class BatchRescore(
    HubSpotClient hubspot, ScoreRequestQueue queue, CheckpointStore checkpoints, PipelineHealth health,
    IOptions<PipelineOptions> options, TimeProvider clock, LeadScoring.Core.Monitoring.LeadScoringMetrics metrics, ILogger<BatchRescore> logger)
{
    public const string CheckpointName = "contacts-modified";
    private const int Chunk = 100;

    public async Task<BatchRescoreResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var started = clock.GetUtcNow();
        var checkpoint = await checkpoints.GetAsync(CheckpointName, cancellationToken).ConfigureAwait(false);
        var since = checkpoint is { } at ? at - options.Value.CheckpointOverlap : DateTimeOffset.UnixEpoch;
        var enqueued = 0;
        var chunk = new List<ScoreRequest>(Chunk);
        long newest = since.ToUnixTimeMilliseconds();
        try
        {
            await foreach (var contact in hubspot.SearchModifiedSinceAsync("contacts", since, [], until: started, cancellationToken).ConfigureAwait(false))
            {
                chunk.Add(new ScoreRequest(ScoreRequestKind.Contact, contact.Id, "batch", started));
                newest = Math.Max(newest, HubSpotClient.ParseTimestamp(contact.Get("lastmodifieddate")) ?? newest);
                if (chunk.Count == Chunk)
                {
                    enqueued += await FlushAsync(chunk, newest, cancellationToken).ConfigureAwait(false);
                }
            }

            enqueued += await FlushAsync(chunk, newest, cancellationToken).ConfigureAwait(false);
            health.BatchRan(enqueued, started, null);
            metrics.BatchRan(enqueued, failed: false);
            LogRan(logger, enqueued, since);
            return new BatchRescoreResult(enqueued, since, await checkpoints.GetAsync(CheckpointName, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            health.BatchRan(enqueued, started, $"{ex.GetType().Name}: {ex.Message}");
            metrics.BatchRan(enqueued, failed: true);
            throw;
        }
    }

    private async Task<int> FlushAsync(List<ScoreRequest> chunk, long newest, CancellationToken cancellationToken)
    {
        if (chunk.Count == 0)
        {
            return 0;
        }

        await queue.EnqueueManyAsync(chunk, ScoreLane.Batch, cancellationToken).ConfigureAwait(false);
        await checkpoints.SetAsync(CheckpointName, DateTimeOffset.FromUnixTimeMilliseconds(newest), cancellationToken).ConfigureAwait(false);
        var count = chunk.Count;
        chunk.Clear();
        return count;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch rescore enqueued {Enqueued} contacts modified since {Since:O}")]
    private static partial void LogRan(ILogger logger, int enqueued, DateTimeOffset since);
}
