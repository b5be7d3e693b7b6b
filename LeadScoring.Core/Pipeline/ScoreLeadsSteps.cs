using System.Globalization;
using System.Collections.Concurrent;
using LeadScoring.Core.AI;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Leads;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Settings;
using LeadScoring.Core.Storage;
using LeadScoring.Core.Training;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.Pipeline;

/// <summary>A lead scored from what HubSpot holds: PII-free features and the score (what crosses the task hub).</summary>
/// <param name="InHubSpot">HubSpot already holds exactly these ai_* values, so nothing needs writing.</param>
/// <param name="OwnerId">The contact's HubSpot owner (hubspot_owner_id): an id, never a name.</param>
public sealed record ScoredContact(string ContactId, LeadFeatures Features, LeadScore Score, bool InHubSpot, string? OwnerId = null);

/// <summary>What scoring a batch produced: the scored leads and the ids whose scoring failed (with why).</summary>
public sealed record ScoredBatch(IReadOnlyList<ScoredContact> Leads, IReadOnlyList<LeadFailure> Failed);

/// <summary>A lead that could not be scored or written, and the reason (exception type and HubSpot's category, never request data).</summary>
public sealed record LeadFailure(string ContactId, string Stage, string Reason);

/// <summary>What the write-back did: written, already in HubSpot, refused by HubSpot, which leads are High now, and
/// those whose batch update failed transiently (to be tried again).</summary>
public sealed record WriteBackOutcome(
    IReadOnlyList<string> Written, IReadOnlyList<string> Unchanged, IReadOnlyList<string> Refused, IReadOnlyList<string> High, IReadOnlyList<LeadFailure> Failed)
{
    public static WriteBackOutcome None { get; } = new([], [], [], [], []);
}

/// <summary>Webhook events sorted against the ledger: what to score, what to forget, and the events to record as seen.</summary>
public sealed record SortedWebhookEvents(
    IReadOnlyList<string> Contacts, IReadOnlyList<string> Companies, IReadOnlyList<string> Deals, IReadOnlyList<string> Forget, IReadOnlyList<AcceptedWebhookEvent> Fresh);

/// <summary>
/// The steps of scoring a batch of leads, each one an activity of the ScoreLeads orchestration: sort webhook events
/// against the ledger, find a company's or deal's contacts, score what was gathered, write changed scores back (≤ 100
/// per batch update) with history and last-written values, enroll newly High leads exactly once, forget a contact,
/// and put what could not be done on the poison queue. Every step is idempotent, so a replayed or retried activity is
/// harmless.
/// </summary>
public sealed partial class ScoreLeadsSteps(
    ScoreRequestQueue queue,
    HubSpotClient hubspot,
    LeadScorer scorer,
    SimilarLeads similar,
    ILeadAnalyst analyst,
    LastWrittenScoreStore lastWritten,
    LeadSnapshotStore snapshots,
    LeadIndexStore index,
    ScoreHistoryStore history,
    EnrollmentStore enrollments,
    WebhookEventLedger ledger,
    PipelineErrorLog errors,
    PipelineHealth health,
    IOptions<PipelineOptions> options,
    IOptions<LeadScoringSettings> settings,
    TimeProvider clock,
    LeadScoring.Core.Monitoring.LeadScoringMetrics metrics,
    ILogger<ScoreLeadsSteps> logger)
{
    /// <summary>
    /// Webhook events queued by the endpoint: those the ledger has not seen, coalesced per object. Record them with
    /// <see cref="RecordSeenAsync"/> only once their work is scheduled (a crash in between duplicates, never loses).
    /// </summary>
    public async Task<SortedWebhookEvents> SortWebhookEventsAsync(IReadOnlyList<AcceptedWebhookEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        var fresh = await ledger.WhereNewAsync(events, cancellationToken).ConfigureAwait(false);
        string[] Of(ScoreRequestKind kind) => [.. fresh.Where(e => e.Kind == kind).Select(e => e.ObjectId).Distinct(StringComparer.Ordinal)];
        var sorted = new SortedWebhookEvents(Of(ScoreRequestKind.Contact), Of(ScoreRequestKind.Company), Of(ScoreRequestKind.Deal), Of(ScoreRequestKind.Forget), fresh);
        LogSorted(logger, events.Count, fresh.Count);
        return sorted;
    }

    public Task RecordSeenAsync(IReadOnlyList<AcceptedWebhookEvent> fresh, CancellationToken cancellationToken = default) =>
        ledger.RecordAsync(fresh, cancellationToken);

    /// <summary>The contacts associated with these companies and deals (one v4 batch read per type).</summary>
    public async Task<IReadOnlyList<string>> ContactsOfAsync(IReadOnlyCollection<string> companies, IReadOnlyCollection<string> deals, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(companies);
        ArgumentNullException.ThrowIfNull(deals);
        var contacts = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (type, ids) in new[] { ("companies", companies), ("deals", deals) })
        {
            if (ids.Count > 0)
            {
                foreach (var linked in (await hubspot.GetAssociationsAsync(type, ids, "contacts", cancellationToken).ConfigureAwait(false)).Values)
                {
                    contacts.UnionWith(linked);
                }
            }
        }

        return [.. contacts.Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Features and score for each gathered lead (similar training records, the optional analyst). A lead whose
    /// scoring throws is reported in <see cref="ScoredBatch.Failed"/>; the others are scored.
    /// </summary>
    public async Task<ScoredBatch> ScoreAsync(IReadOnlyCollection<HubSpotLeadRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var now = clock.GetUtcNow();
        var batch = await ScoreEachAsync(records, now, (record, properties) => LeadScoreWriteback.Matches(record.Contact, properties), cancellationToken).ConfigureAwait(false);

        // What each lead was scored from, so the decay pass can rescore it later without reading HubSpot.
        var scored = batch.Leads.Select(l => l.ContactId).ToHashSet(StringComparer.Ordinal);
        await snapshots.SetManyAsync([.. records.Where(r => scored.Contains(r.Contact.Id)).Select(r => new GatheredLeadSnapshot(r, now))], cancellationToken).ConfigureAwait(false);
        return batch;
    }

    /// <summary>
    /// The decay pass's scoring: leads rescored from their snapshots as of now (recency advanced), each marked as
    /// needing a write only when a property a rep sees (score, fit, close probability, next best action, model version)
    /// differs from what we last wrote — or, for a lead we never wrote, from the ai_* values HubSpot held when it was
    /// gathered. The explanation is rewritten only together with them: its "N days ago" wording alone is no reason to
    /// spend the portal's API budget.
    /// </summary>
    public async Task<ScoredBatch> RescoreSnapshotsAsync(IReadOnlyCollection<HubSpotLeadRecord> records, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(records);
        var written = await lastWritten.GetManyAsync([.. records.Select(r => r.Contact.Id)], cancellationToken).ConfigureAwait(false);
        return await ScoreEachAsync(records, clock.GetUtcNow(), (record, properties) =>
        {
            if (written.GetValueOrDefault(record.Contact.Id) is { } last)
            {
                return last.Holds(properties);
            }

            return LeadScoreWriteback.Matches(record.Contact, properties.Where(p => p.Key != LeadScoreProperties.Explanation).ToDictionary());
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<ScoredBatch> ScoreEachAsync(
        IReadOnlyCollection<HubSpotLeadRecord> records, DateTimeOffset asOf, Func<HubSpotLeadRecord, IReadOnlyDictionary<string, string>, bool> inHubSpot, CancellationToken cancellationToken)
    {
        var scored = new ConcurrentBag<ScoredContact>();
        var failed = new ConcurrentBag<LeadFailure>();

        // In parallel because the optional AI analyst may take seconds per lead; the rest is microseconds.
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Value.MaxParallelLeads, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(records, parallel, async (record, token) =>
        {
            var id = record.Contact.Id;
            try
            {
                var features = LeadFeaturesMapper.Map(record, asOf);
                var neighbours = await similar.FindAsync(features, id, token).ConfigureAwait(false);
                var score = scorer.Score(features, neighbours);
                var verdict = await analyst.AnalyzeAsync(features, score, neighbours, token).ConfigureAwait(false);
                if (verdict.Fallback && verdict.Model != AnalystVerdict.NoModel)
                {
                    metrics.Fallback("analyst");
                }

                var final = AnalystVerdictApplier.Apply(score, verdict, scorer.Profile);
                scored.Add(new ScoredContact(id, features, final, inHubSpot(record, LeadScoreWriteback.ToProperties(final)), LeadIndexEntry.OwnerIdOf(record.Contact.Get("hubspot_owner_id"))));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !token.IsCancellationRequested)
            {
                failed.Add(Failed("score", id, ex));
            }
        }).ConfigureAwait(false);

        return new ScoredBatch([.. scored.OrderBy(s => s.ContactId, StringComparer.Ordinal)], [.. failed]);
    }

    /// <summary>
    /// Writes the scores HubSpot does not hold yet (compared with what HubSpot holds now, not only with what we last
    /// wrote: a score someone cleared is written again), then records history and last-written values for what HubSpot
    /// confirmed. A score HubSpot already holds but our records do not (a crash between the HubSpot write and ours) is
    /// recorded now, so redelivery repairs history. A batch update that fails transiently is sent again in halves, and
    /// costs only the leads whose updates keep failing (in <see cref="WriteBackOutcome.Failed"/>, to be tried again);
    /// inputs HubSpot refuses one by one are recorded and not retried.
    /// </summary>
    public async Task<WriteBackOutcome> WriteBackAsync(IReadOnlyList<ScoredContact> leads, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(leads);
        var started = clock.GetTimestamp();
        var changes = leads.Select(l => (Lead: l, Properties: LeadScoreWriteback.ToProperties(l.Score))).ToList();
        var toWrite = changes.Where(c => !c.Lead.InHubSpot).ToList();
        var updated = new ConcurrentDictionary<string, DateTimeOffset?>(StringComparer.Ordinal);
        var refused = new ConcurrentBag<FailedUpdate>();
        var properties = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var c in toWrite)
        {
            properties[c.Lead.ContactId] = c.Properties;
        }

        // A batch update still failing after its attempts is sent again as two halves at once (and so on), within this
        // activity: only the leads whose updates keep failing wait for the orchestration's retry (a durable timer and a
        // new gather); the rest of their batch of 100 is written now.
        var unwritten = new ConcurrentDictionary<string, Exception>(StringComparer.Ordinal);
        await HubSpotFailureIsolation.RunAsync([.. properties.Keys], HubSpotClient.BatchSize, async (ids, token) =>
        {
            var result = await hubspot.BatchUpdateAsync("contacts", [.. ids.Select(id => new ObjectUpdate(id, properties[id]))], token).ConfigureAwait(false);
            foreach (var id in result.Updated)
            {
                updated[id] = result.ModifiedAt.TryGetValue(id, out var at) ? at : null;
            }

            foreach (var f in result.Failed)
            {
                refused.Add(f);
            }
        }, unwritten, cancellationToken).ConfigureAwait(false);
        var failed = unwritten.Select(u => Failed("write-back", u.Key, u.Value)).ToList();

        var now = clock.GetUtcNow();
        foreach (var failure in refused)
        {
            // HubSpot refused this one input (e.g. deleted meanwhile): retrying would not help.
            await errors.RecordAsync(new PipelineError("write-back", failure.Id, $"{failure.Category}: {failure.Message}", null, now), cancellationToken).ConfigureAwait(false);
        }

        // Held by HubSpot but not by our records: written by an attempt that crashed before recording it.
        var held = changes.Where(c => c.Lead.InHubSpot).ToList();
        var recorded = held.Count == 0 ? new Dictionary<string, LastWrittenScore>() : await lastWritten.GetManyAsync([.. held.Select(c => c.Lead.ContactId)], cancellationToken).ConfigureAwait(false);
        var repaired = held.Where(c => recorded.GetValueOrDefault(c.Lead.ContactId) is not { } last || !last.Holds(c.Properties)).ToList();

        var succeeded = toWrite.Where(c => updated.ContainsKey(c.Lead.ContactId)).ToList();
        var toRecord = succeeded.Concat(repaired).ToList();
        await Parallel.ForEachAsync(toRecord, StorageParallelism(cancellationToken), async (c, token) =>
            await history.AppendAsync(HistoryEntry(c.Lead.ContactId, c.Lead.Features, c.Lead.Score), token).ConfigureAwait(false)).ConfigureAwait(false);
        await lastWritten.SetManyAsync(
            [.. toRecord.Select(c => new LastWrittenScore(c.Lead.ContactId, c.Lead.Score.Score, c.Lead.Score.Priority.ToString(), c.Lead.Score.CloseProbability,
                c.Properties[LeadScoreProperties.NextBestAction], c.Lead.Score.ModelVersion, LeadScoreWriteback.Digest(c.Properties), now,
                updated.GetValueOrDefault(c.Lead.ContactId)))],
            cancellationToken).ConfigureAwait(false);
        await index.SetManyAsync(
            [.. toRecord.Select(c => new LeadIndexUpdate(c.Lead.ContactId, c.Lead.Features, c.Lead.Score, c.Properties[LeadScoreProperties.NextBestAction], c.Lead.OwnerId))],
            now, cancellationToken).ConfigureAwait(false);
        if (repaired.Count > 0)
        {
            LogRepaired(logger, repaired.Count);
        }

        var written = succeeded.Select(c => c.Lead.ContactId).ToList();
        var unchanged = held.Select(c => c.Lead.ContactId).ToList();
        var high = changes
            .Where(c => c.Lead.Score.Priority == Priority.High && (c.Lead.InHubSpot || updated.ContainsKey(c.Lead.ContactId)))
            .Select(c => c.Lead.ContactId).ToList();
        health.Scored(leads.Count - failed.Count, written.Count, now);
        metrics.LeadsScored(leads.Count - failed.Count, clock.GetElapsedTime(started));
        return new WriteBackOutcome(written, unchanged, [.. refused.Select(f => f.Id)], high, [.. failed]);
    }

    /// <summary>Enrolls each High lead exactly once; throws when some must be tried again later (the activity is retried).</summary>
    public async Task EnrollAsync(IReadOnlyList<string> highLeads, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(highLeads);
        var retry = new ConcurrentBag<string>();

        // Each enrolment is a few sequential calls (record, HubSpot, record); leads are independent, so several at once.
        await Parallel.ForEachAsync(highLeads, StorageParallelism(cancellationToken), async (id, token) =>
        {
            if (!await EnrollAsync(id, token).ConfigureAwait(false))
            {
                retry.Add(id);
            }
        }).ConfigureAwait(false);
        if (!retry.IsEmpty)
        {
            throw new InvalidOperationException($"{retry.Count} of {highLeads.Count} workflow enrolments must be tried again.");
        }
    }

    /// <summary>Privacy deletion: the contact's score history, last-written values and snapshot go; enrolment rows (ids only) stay so
    /// a restored contact is not enrolled twice.</summary>
    public async Task ForgetAsync(string contactId, CancellationToken cancellationToken = default)
    {
        var removed = await history.ForgetAsync(contactId, cancellationToken).ConfigureAwait(false);
        await lastWritten.ForgetAsync(contactId, cancellationToken).ConfigureAwait(false);
        await snapshots.ForgetAsync(contactId, cancellationToken).ConfigureAwait(false);
        await index.ForgetAsync(contactId, cancellationToken).ConfigureAwait(false);
        LogForgotten(logger, contactId, removed);
    }

    /// <summary>
    /// Leads the orchestration gave up on after its retries: one request each on the poison queue (where an operator
    /// replays them; the queue sampler counts it and raises the admin alert) and an error record, so nothing is dropped silently.
    /// </summary>
    public async Task GiveUpAsync(IReadOnlyList<LeadFailure> failures, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(failures);
        var now = clock.GetUtcNow();
        foreach (var failure in failures)
        {
            await queue.PoisonAsync(new ScoreRequest(ScoreRequestKind.Contact, failure.ContactId, $"gave-up:{failure.Stage}", now), cancellationToken).ConfigureAwait(false);
            await errors.RecordAsync(new PipelineError("poison", failure.ContactId, $"{failure.Stage}: {failure.Reason}", null, now), cancellationToken).ConfigureAwait(false);
            LogGaveUp(logger, failure.ContactId, failure.Stage);
        }
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
                if (now - existing.UpdatedAt < options.Value.EnrollmentClaimTimeout)
                {
                    return false; // another attempt is enrolling it right now; look again later
                }

                if ((await hubspot.GetEnrolledWorkflowIdsAsync(contactId, cancellationToken).ConfigureAwait(false)).Contains(workflowId))
                {
                    await enrollments.MarkEnrolledAsync(contactId, workflowId, now, cancellationToken).ConfigureAwait(false);
                    return true;
                }
            }

            // The v2 enrolment API addresses contacts by email: read it just for this call, never store or log it.
            var contact = await hubspot.GetObjectAsync("contacts", contactId, ["email"], cancellationToken).ConfigureAwait(false);
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
        catch (HubSpotDailyLimitException)
        {
            throw; // not this lead's failure: the whole activity waits for HubSpot's reset
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            Failed("enroll", contactId, ex);
            return false;
        }
    }

    private static ParallelOptions StorageParallelism(CancellationToken cancellationToken) =>
        new() { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken };

    private LeadFailure Failed(string stage, string contactId, Exception ex)
    {
        // HubSpotApiException messages carry HubSpot's category and correlationId, never request data.
        var reason = $"{ex.GetType().Name}: {ex.Message}";
        health.ScoringFailed($"{stage} contact {contactId}: {reason}", clock.GetUtcNow());
        LogFailed(logger, ex, stage, contactId);
        return new LeadFailure(contactId, stage, reason);
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Webhook events: {Events} received, {Fresh} new")]
    private static partial void LogSorted(ILogger logger, int events, int fresh);

    [LoggerMessage(Level = LogLevel.Information, Message = "Contact {ContactId} forgotten on HubSpot's privacy deletion ({Removed} history entries)")]
    private static partial void LogForgotten(ILogger logger, string contactId, int removed);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} scores HubSpot already held had no record of being written (an earlier attempt stopped in between): recorded now")]
    private static partial void LogRepaired(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Contact {ContactId} enrolled in workflow {WorkflowId}")]
    private static partial void LogEnrolled(ILogger logger, string contactId, long workflowId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gave up scoring contact {ContactId} at {Stage}; its request is on the poison queue")]
    private static partial void LogGaveUp(ILogger logger, string contactId, string stage);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Scoring {Stage} failed for contact {ContactId}")]
    private static partial void LogFailed(ILogger logger, Exception exception, string stage, string? contactId);
}
