using System.Collections.Concurrent;
using LeadScoring.Core.AI;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Settings;
using LeadScoring.Core.Storage;
using LeadScoring.Core.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.Pipeline;

/// <summary>
/// The queue-driven scoring pipeline: takes a batch of score requests, fans company/deal requests out to their
/// contacts, gathers each contact from HubSpot (contact ∥ company ∥ deals ∥ engagements), scores it, writes changed
/// scores back in batches of ≤100, enrolls newly High leads exactly once, and deletes a message only when its work is
/// done. Anything that fails stays on the queue, becomes visible again after the visibility timeout and is retried;
/// after MaxDequeueCount deliveries it goes to the poison queue with an error record. Scoring is idempotent, so a
/// redelivered message is harmless.
/// </summary>
public sealed partial class ScoringPipeline(
    ScoreRequestQueue queue,
    HubSpotClient hubspot,
    HubSpotLeadReader reader,
    LeadScorer scorer,
    SimilarLeads similar,
    ILeadAnalyst analyst,
    LastWrittenScoreStore lastWritten,
    ScoreHistoryStore history,
    EnrollmentStore enrollments,
    WebhookEventLedger ledger,
    PipelineErrorLog errors,
    PipelineHealth health,
    IOptions<PipelineOptions> options,
    IOptions<LeadScoringSettings> settings,
    TimeProvider clock,
    LeadScoring.Core.Monitoring.LeadScoringMetrics metrics,
    ILogger<ScoringPipeline> logger)
{
    /// <summary>Receives up to BatchSize messages and processes them; returns how many were received.</summary>
    public async Task<int> ProcessNextBatchAsync(CancellationToken cancellationToken = default)
    {
        var o = options.Value;
        var messages = await queue.ReceiveAsync(o.BatchSize, o.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        if (messages.Count > 0)
        {
            await ProcessAsync(messages, cancellationToken).ConfigureAwait(false);
        }

        return messages.Count;
    }

    public async Task ProcessAsync(IReadOnlyList<ReceivedScoreRequest> messages, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        var live = new List<ReceivedScoreRequest>(messages.Count);
        foreach (var message in messages)
        {
            if (message.Request is null)
            {
                await PoisonAsync(message, "the message is not a score request", cancellationToken).ConfigureAwait(false);
            }
            else if (message.DequeueCount > options.Value.MaxDequeueCount)
            {
                await PoisonAsync(message, $"gave up after {message.DequeueCount - 1} failed deliveries", cancellationToken).ConfigureAwait(false);
            }
            else
            {
                live.Add(message);
            }
        }

        if (live.Where(m => m.Request!.Kind == ScoreRequestKind.WebhookEvents).ToList() is { Count: > 0 } webhookEvents)
        {
            await SortWebhookEventsAsync(webhookEvents, cancellationToken).ConfigureAwait(false);
        }

        foreach (var message in live.Where(m => m.Request!.Kind is ScoreRequestKind.Company or ScoreRequestKind.Deal))
        {
            await FanOutAsync(message, cancellationToken).ConfigureAwait(false);
        }

        foreach (var message in live.Where(m => m.Request!.Kind == ScoreRequestKind.Forget))
        {
            await ForgetAsync(message, cancellationToken).ConfigureAwait(false);
        }

        var byContact = live.Where(m => m.Request!.Kind == ScoreRequestKind.Contact).GroupBy(m => m.Request!.ObjectId).ToDictionary(g => g.Key, g => g.ToList());
        if (byContact.Count > 0)
        {
            var done = await ScoreContactsAsync(byContact.Keys, cancellationToken).ConfigureAwait(false);
            await Parallel.ForEachAsync(done.SelectMany(id => byContact[id]), StorageParallelism(cancellationToken), async (message, token) =>
                await queue.CompleteAsync(message, token).ConfigureAwait(false)).ConfigureAwait(false);
        }
    }

    /// <summary>Scores the contacts; returns those whose work is finished (their messages may be deleted).</summary>
    private async Task<IReadOnlyCollection<string>> ScoreContactsAsync(IReadOnlyCollection<string> contactIds, CancellationToken cancellationToken)
    {
        using var activity = LeadScoring.Core.Monitoring.LeadScoringMetrics.ActivitySource.StartActivity("score batch");
        var started = clock.GetTimestamp();
        var done = new ConcurrentBag<string>();
        IReadOnlyDictionary<string, HubSpotLeadRecord> records;
        try
        {
            // One batched gather for the whole batch: a dozen HubSpot calls for up to 100 leads.
            records = await reader.ReadManyAsync(contactIds, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Failed("gather", null, ex);
            return done;
        }

        var scored = new ConcurrentBag<(string Id, HubSpotObject Contact, LeadFeatures Features, LeadScore Score)>();
        foreach (var id in contactIds.Where(id => !records.ContainsKey(id)))
        {
            LogContactGone(logger, id);
            done.Add(id); // deleted or merged away in HubSpot: nothing left to score
        }

        // In parallel because the optional AI analyst may take seconds per lead; the rest is microseconds.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxParallelLeads, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(records, parallel, async (pair, token) =>
        {
            var (id, record) = pair;
            try
            {
                var features = LeadFeaturesMapper.Map(record, clock.GetUtcNow());
                var neighbours = await similar.FindAsync(features, token).ConfigureAwait(false);
                var score = scorer.Score(features, neighbours);
                var verdict = await analyst.AnalyzeAsync(features, score, neighbours, token).ConfigureAwait(false);
                if (verdict.Fallback && verdict.Model != AnalystVerdict.NoModel)
                {
                    metrics.Fallback("analyst");
                }

                scored.Add((id, record.Contact, features, AnalystVerdictApplier.Apply(score, verdict, scorer.Profile)));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                Failed("score", id, ex);
            }
        }).ConfigureAwait(false);

        if (scored.IsEmpty)
        {
            return done;
        }

        var written = await WriteBackAsync([.. scored], done, cancellationToken).ConfigureAwait(false);
        health.Scored(scored.Count, written, clock.GetUtcNow());
        metrics.LeadsScored(scored.Count, clock.GetElapsedTime(started));
        return done;
    }

    /// <summary>Writes changed scores, records history and last-written values, enrolls High leads. Returns how many were written.</summary>
    private async Task<int> WriteBackAsync(IReadOnlyList<(string Id, HubSpotObject Contact, LeadFeatures Features, LeadScore Score)> scored, ConcurrentBag<string> done, CancellationToken cancellationToken)
    {
        var changes = scored
            .Select(s => (s.Id, s.Contact, s.Features, s.Score, Properties: LeadScoreWriteback.ToProperties(s.Score)))
            .Select(c => (c.Id, c.Features, c.Score, c.Properties, Digest: LeadScoreWriteback.Digest(c.Properties), InHubSpot: LeadScoreWriteback.Matches(c.Contact, c.Properties)))
            .ToList();

        // Compared with what HubSpot holds now (read with the contact), not only with what we last wrote: a score
        // someone cleared in HubSpot, or a re-created property, is written again.
        var toWrite = changes.Where(c => !c.InHubSpot).ToList();
        var unchanged = changes.Where(c => !toWrite.Contains(c)).Select(c => c.Id).ToList();

        BatchUpdateResult result;
        try
        {
            result = toWrite.Count == 0
                ? new BatchUpdateResult([], [])
                : await hubspot.BatchUpdateAsync("contacts", [.. toWrite.Select(c => new ObjectUpdate(c.Id, c.Properties))], cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // Nothing of this batch was confirmed: all its messages stay and are retried. Unchanged ones are done.
            Failed("write-back", null, ex);
            result = new BatchUpdateResult([], [.. toWrite.Select(c => new FailedUpdate(c.Id, "RETRY", ex.Message))]);
            toWrite.Clear();
        }

        foreach (var failure in result.Failed.Where(f => f.Category != "RETRY"))
        {
            // HubSpot refused this one input (e.g. deleted meanwhile): retrying would not help.
            await errors.RecordAsync(new PipelineError("write-back", failure.Id, $"{failure.Category}: {failure.Message}", null, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
            done.Add(failure.Id);
        }

        var now = clock.GetUtcNow();
        var succeeded = toWrite.Where(c => result.Updated.Contains(c.Id)).ToList();
        await Parallel.ForEachAsync(succeeded, StorageParallelism(cancellationToken), async (c, token) =>
            await history.AppendAsync(HistoryEntry(c.Id, c.Features, c.Score), token).ConfigureAwait(false)).ConfigureAwait(false);

        await lastWritten.SetManyAsync(
            [.. succeeded.Select(c => new LastWrittenScore(c.Id, c.Score.Score, c.Score.Priority.ToString(), c.Score.CloseProbability, c.Properties[LeadScoreProperties.NextBestAction], c.Score.ModelVersion, c.Digest, now))],
            cancellationToken).ConfigureAwait(false);

        // Each enrolment is a few sequential calls (record, HubSpot, record); leads are independent, so several at once.
        await Parallel.ForEachAsync(changes.Where(c => succeeded.Contains(c) || unchanged.Contains(c.Id)), StorageParallelism(cancellationToken), async (c, token) =>
        {
            if (c.Score.Priority != Priority.High || await EnrollAsync(c.Id, token).ConfigureAwait(false))
            {
                done.Add(c.Id);
            }
        }).ConfigureAwait(false);

        return succeeded.Count;
    }

    /// <summary>
    /// Exactly-once enrolment of a High lead: a Pending record is written before HubSpot is called and marked
    /// Enrolled after. A Pending record left by a crash is resolved by asking HubSpot. Returns false to retry later.
    /// </summary>
    private async Task<bool> EnrollAsync(string contactId, CancellationToken cancellationToken)
    {
        if (settings.Value.HighPriorityWorkflowId is not { } workflowId)
        {
            return true; // no workflow: the ai_lead_fit = High property change is the trigger
        }

        var now = clock.GetUtcNow();
        try
        {
            var existing = await enrollments.TryBeginAsync(contactId, workflowId, now, cancellationToken).ConfigureAwait(false);
            if (existing?.State == EnrollmentState.Enrolled)
            {
                return true;
            }

            if (existing is not null)
            {
                if (now - existing.UpdatedAt < options.Value.VisibilityTimeout)
                {
                    return false; // another delivery is enrolling it right now; look again later
                }

                if ((await hubspot.GetEnrolledWorkflowIdsAsync(contactId, cancellationToken).ConfigureAwait(false)).Contains(workflowId))
                {
                    await enrollments.MarkEnrolledAsync(contactId, workflowId, now, cancellationToken).ConfigureAwait(false);
                    return true;
                }
            }

            // The v2 enrolment API addresses contacts by email: read it just for this call, never store or log it.
            var contact = await hubspot.GetObjectAsync("contacts", contactId, ["email"], cancellationToken: cancellationToken).ConfigureAwait(false);
            if (contact?.Get("email") is not { } email)
            {
                await errors.RecordAsync(new PipelineError("enroll", contactId, $"contact has no email; HubSpot cannot enroll it in workflow {workflowId}", null, now), cancellationToken).ConfigureAwait(false);
                return true;
            }

            await hubspot.EnrollInWorkflowAsync(workflowId, email, cancellationToken).ConfigureAwait(false);
            await enrollments.MarkEnrolledAsync(contactId, workflowId, clock.GetUtcNow(), cancellationToken).ConfigureAwait(false);
            LogEnrolled(logger, contactId, workflowId);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Failed("enroll", contactId, ex);
            return false;
        }
    }

    /// <summary>
    /// Webhook events queued by the endpoint: those the ledger has not seen become one request per object, and are
    /// recorded as seen only once those requests are queued (a crash in between duplicates, never loses).
    /// </summary>
    private async Task SortWebhookEventsAsync(IReadOnlyList<ReceivedScoreRequest> messages, CancellationToken cancellationToken)
    {
        try
        {
            AcceptedWebhookEvent[] events = [.. messages.SelectMany(m => m.Request!.Events!)];
            var fresh = await ledger.WhereNewAsync(events, cancellationToken).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            var requests = fresh
                .GroupBy(e => (e.Kind, e.ObjectId))
                .Select(g => new ScoreRequest(g.Key.Kind, g.Key.ObjectId, $"webhook:{g.First().Type}", now))
                .ToList();
            await queue.EnqueueManyAsync(requests, cancellationToken).ConfigureAwait(false);
            await ledger.RecordAsync(fresh, cancellationToken).ConfigureAwait(false);
            foreach (var message in messages)
            {
                await queue.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
            }

            LogSorted(logger, events.Length, fresh.Count, requests.Count);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Failed("webhook events", null, ex);
        }
    }

    private async Task FanOutAsync(ReceivedScoreRequest message, CancellationToken cancellationToken)
    {
        var request = message.Request!;
        var fromType = request.Kind == ScoreRequestKind.Company ? "companies" : "deals";
        try
        {
            var contacts = await hubspot.GetAssociationsAsync(fromType, [request.ObjectId], "contacts", cancellationToken).ConfigureAwait(false);
            var now = clock.GetUtcNow();
            await queue.EnqueueManyAsync(
                [.. contacts[request.ObjectId].Select(id => new ScoreRequest(ScoreRequestKind.Contact, id, $"{request.Reason}→{fromType}:{request.ObjectId}", now))],
                cancellationToken).ConfigureAwait(false);
            await queue.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Failed("fan-out", null, ex);
        }
    }

    /// <summary>Privacy deletion: the contact's score history and last-written values go; enrolment rows (ids only) stay so
    /// a restored contact is not enrolled twice.</summary>
    private async Task ForgetAsync(ReceivedScoreRequest message, CancellationToken cancellationToken)
    {
        var contactId = message.Request!.ObjectId;
        try
        {
            var removed = await history.ForgetAsync(contactId, cancellationToken).ConfigureAwait(false);
            await lastWritten.ForgetAsync(contactId, cancellationToken).ConfigureAwait(false);
            await queue.CompleteAsync(message, cancellationToken).ConfigureAwait(false);
            LogForgotten(logger, contactId, removed);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Failed("forget", contactId, ex);
        }
    }

    private async Task PoisonAsync(ReceivedScoreRequest message, string reason, CancellationToken cancellationToken)
    {
        await queue.MoveToPoisonAsync(message, cancellationToken).ConfigureAwait(false);
        metrics.Poisoned();
        var contactId = message.Request?.Kind == ScoreRequestKind.Contact ? message.Request.ObjectId : null;
        await errors.RecordAsync(new PipelineError("poison", contactId, reason, message.MessageId, clock.GetUtcNow()), cancellationToken).ConfigureAwait(false);
        LogPoisoned(logger, message.MessageId, reason);
    }

    private static ParallelOptions StorageParallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };

    private void Failed(string stage, string? contactId, Exception ex)
    {
        // HubSpotApiException messages carry HubSpot's category and correlationId, never request data.
        var message = $"{stage}{(contactId is null ? "" : $" contact {contactId}")}: {ex.GetType().Name}: {ex.Message}";
        health.ScoringFailed(message, clock.GetUtcNow());
        LogFailed(logger, ex, stage, contactId);
    }

    private static ScoreHistoryEntry HistoryEntry(string contactId, LeadFeatures features, LeadScore score)
    {
        var json = System.Text.Json.JsonSerializer.Serialize(features, ScoringJsonContext.Default.LeadFeatures);
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(json)));
        var c = score.Components;
        return new ScoreHistoryEntry(contactId, score.ScoredAt, score.Score, score.ExactScore, score.Priority.ToString(), score.CloseProbability,
            LeadScoreWriteback.ToProperties(score)[LeadScoreProperties.NextBestAction], score.Confidence, c.Fit.Score, c.Engagement.Score, c.Outcome.Score, c.Recency.Score,
            score.ModelVersion, digest, json);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook events: {Events} received, {Fresh} new, {Requests} requests queued")]
    private static partial void LogSorted(ILogger logger, int events, int fresh, int requests);

    [LoggerMessage(Level = LogLevel.Information, Message = "Contact {ContactId} no longer exists in HubSpot; its request is dropped")]
    private static partial void LogContactGone(ILogger logger, string contactId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Contact {ContactId} forgotten on HubSpot's privacy deletion ({Removed} history entries)")]
    private static partial void LogForgotten(ILogger logger, string contactId, int removed);

    [LoggerMessage(Level = LogLevel.Information, Message = "Contact {ContactId} enrolled in workflow {WorkflowId}")]
    private static partial void LogEnrolled(ILogger logger, string contactId, long workflowId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Message {MessageId} moved to the poison queue: {Reason}")]
    private static partial void LogPoisoned(ILogger logger, string messageId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scoring {Stage} failed for contact {ContactId}; the message will be retried")]
    private static partial void LogFailed(ILogger logger, Exception exception, string stage, string? contactId);
}
