using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Pipeline;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace LeadScoring.Functions.Orchestrations;

/// <summary>
/// Where a BatchRescore run is (the orchestration's input; it continues as new every few chunks so its history stays
/// small on a portal of any size).
/// </summary>
/// <param name="Chunk">Contacts gathered, scored and written by one <see cref="BatchRescoreOrchestration.ScoreContactBatch"/> (1–1,000).</param>
/// <param name="WholePortal">Every contact, not only those modified since the checkpoint (<c>?scope=portal</c>).</param>
/// <param name="Pending">The page read ahead by the previous generation, scored first by this one.</param>
public sealed record BatchRescoreState(
    DateTimeOffset Started, int Chunk, ActivityRetry Retry, bool WholePortal = false, RescoreWindow? Window = null, RescoreCursor? Cursor = null,
    ModifiedContactsPage? Pending = null, int Scored = 0, int Skipped = 0, int FailedChunks = 0);

/// <summary>How a run ended, for health and the admin's answer.</summary>
public sealed record RescoreFinish(RescoreWindow Window, int Scored, int Skipped, DateTimeOffset Started, string? Error);

/// <summary>
/// BatchRescore: the contacts modified since the checkpoint (those whose last change was our own write-back passed
/// over), page by page oldest first, each page gathered, scored and written by one activity while the next page is
/// read; newly High leads enrolled; the checkpoint advanced after each page to the newest modification time scored.
/// A chunk is one activity rather than a ScoreLeads sub-orchestration because a gather of 500 contacts shares
/// HubSpot's batch reads five times better than five gathers of 100, and its records (MBs of engagements) must not
/// travel through orchestration history. One instance at a time (<see cref="InstanceId"/>): the timer and the admin
/// route start it only when it is not running.
/// </summary>
public sealed class BatchRescoreOrchestration(BatchRescore rescore, ContactBatchScoring scoring)
{
    /// <summary>The fixed instance id: a second start while one runs is refused, so two starts never run twice.</summary>
    public const string InstanceId = "batch-rescore";

    /// <summary>Chunks per orchestration generation before it continues as new.</summary>
    internal const int ChunksPerGeneration = 8;

    [Function(nameof(BatchRescore))]
    public static async Task<BatchRescoreResult?> BatchRescore([OrchestrationTrigger] TaskOrchestrationContext context, BatchRescoreState state)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(state);
        var policy = state.Retry;
        var retry = policy.ToTaskOptions();
        var window = state.Window ?? await context.CallActivityAsync<RescoreWindow>(
            nameof(BeginRescore), new RescoreStart(new DateTimeOffset(context.CurrentUtcDateTime, TimeSpan.Zero), state.WholePortal), retry);
        var (scored, skipped, failed) = (state.Scored, state.Skipped, state.FailedChunks);
        try
        {
            var page = state.Pending ?? await FindAsync(context, state.Cursor ?? new RescoreCursor(window.Since, window.Until, []), state, retry);
            for (var chunk = 0; page is not null && chunk < ChunksPerGeneration; chunk++)
            {
                // Score this page while the next one is read: the search has its own rate limit, so it costs the gather nothing.
                var scoring = page.ContactIds.Count == 0 ? Task.FromResult(true) : ScoreChunkAsync(context, [.. page.ContactIds], retry, policy);
                var reading = page.Next is { } cursor ? FindAsync(context, cursor, state, retry) : Task.FromResult<ModifiedContactsPage?>(null);
                failed += await scoring ? 0 : 1;
                scored += page.ContactIds.Count;
                skipped += page.Skipped;
                if (page.Newest is { } newest)
                {
                    // A failed chunk's leads are on the poison queue already, so moving past them loses nothing.
                    await context.CallAsync(nameof(AdvanceCheckpoint), newest, retry, policy);
                }

                page = await reading;
            }

            if (page is not null)
            {
                context.ContinueAsNew(state with { Window = window, Cursor = null, Pending = page, Scored = scored, Skipped = skipped, FailedChunks = failed });
                return null;
            }

            var error = failed == 0 ? null : $"{failed} chunks failed; their contacts are on the poison queue";
            return await context.CallAsync<BatchRescoreResult>(nameof(FinishRescore), new RescoreFinish(window, scored, skipped, state.Started, error), retry, policy);
        }
        catch (TaskFailedException ex)
        {
            await context.CallAsync<BatchRescoreResult>(nameof(FinishRescore), new RescoreFinish(window, scored, skipped, state.Started, $"{ex.TaskName}: {ex.FailureDetails.ErrorMessage}"), retry, policy);
            throw;
        }
    }

    [Function(nameof(BeginRescore))]
    public Task<RescoreWindow> BeginRescore([ActivityTrigger] RescoreStart start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(start);
        return rescore.BeginAsync(start.Until, start.WholePortal, cancellationToken);
    }

    [Function(nameof(FindModifiedContacts))]
    public async Task<ModifiedContactsPage> FindModifiedContacts([ActivityTrigger] ModifiedContactsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        using var lane = HubSpotWork.Enter(HubSpotWorkLane.Batch);
        return await rescore.FindModifiedAsync(query.Cursor, query.Max, skipOwnWrites: !query.WholePortal, cancellationToken: cancellationToken);
    }

    /// <summary>Gathers (batched reads), scores and writes back one chunk of the batch; returns ids and counts only.</summary>
    [Function(nameof(ScoreContactBatch))]
    public async Task<ContactBatchOutcome> ScoreContactBatch([ActivityTrigger] string[] contactIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contactIds);

        // The batch lane: these calls leave the budget's real-time reserve to webhook work.
        using var lane = HubSpotWork.Enter(HubSpotWorkLane.Batch);
        return await scoring.ScoreAsync(contactIds, cancellationToken);
    }

    [Function(nameof(AdvanceCheckpoint))]
    public Task AdvanceCheckpoint([ActivityTrigger] DateTimeOffset newest, CancellationToken cancellationToken) =>
        rescore.AdvanceCheckpointAsync(newest, cancellationToken);

    [Function(nameof(FinishRescore))]
    public Task<BatchRescoreResult> FinishRescore([ActivityTrigger] RescoreFinish finish, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(finish);
        return rescore.FinishAsync(finish.Window, finish.Scored, finish.Skipped, finish.Started, finish.Error, cancellationToken);
    }

    private static async Task<ModifiedContactsPage?> FindAsync(TaskOrchestrationContext context, RescoreCursor cursor, BatchRescoreState state, TaskOptions retry) =>
        await context.CallAsync<ModifiedContactsPage>(nameof(FindModifiedContacts), new ModifiedContactsQuery(cursor, state.Chunk, state.WholePortal), retry, state.Retry);
    /// <summary>One chunk: gather, score, write (failed leads tried again alone); enrol; give up on what failed. False when the chunk failed.</summary>
    private static async Task<bool> ScoreChunkAsync(TaskOrchestrationContext context, string[] ids, TaskOptions retry, ActivityRetry policy)
    {
        try
        {
            await ContactBatchRetries.ScoreAsync(context, nameof(ScoreContactBatch), ids, retry, policy);
            return true;
        }
        catch (TaskFailedException ex)
        {
            // Retries exhausted: the chunk's leads go to the poison queue with the reason; the rest of the portal goes on.
            var reason = $"{ex.FailureDetails.ErrorType}: {ex.FailureDetails.ErrorMessage}";
            await context.CallAsync(nameof(ScoreLeadsOrchestration.GiveUpOnLeads), ids.Select(id => new LeadFailure(id, ex.TaskName, reason)).ToArray(), retry, policy);
            return false;
        }
    }
}

/// <summary>When the run's window ends, and whether it covers the whole portal.</summary>
public sealed record RescoreStart(DateTimeOffset Until, bool WholePortal);

/// <summary>A page request: where to resume, how many contacts at most, and whether our own write-backs count as changes.</summary>
public sealed record ModifiedContactsQuery(RescoreCursor Cursor, int Max, bool WholePortal = false);
