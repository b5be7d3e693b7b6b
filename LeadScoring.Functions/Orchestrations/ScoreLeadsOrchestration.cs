using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Pipeline;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;

namespace LeadScoring.Functions.Orchestrations;

/// <summary>What to score: contacts, and companies or deals whose contacts are scored. Ids only.</summary>
/// <param name="Reason">A short code (<c>webhook</c>, <c>batch</c>); never free text about the person.</param>
/// <param name="Retry">How activities are retried (from PipelineOptions at the start: orchestrators read no settings).</param>
public sealed record ScoreLeadsInput(string[] ContactIds, string[] Companies, string[] Deals, string Reason, ActivityRetry? Retry = null);

/// <summary>An activity retry policy that travels in orchestration inputs.</summary>
/// <param name="DailyLimitProbe">While HubSpot's daily limit is spent, the wait between tries (default 15 minutes).</param>
public sealed record ActivityRetry(int MaxAttempts, TimeSpan FirstInterval, TimeSpan MaxInterval, TimeSpan? DailyLimitProbe = null)
{
    public static ActivityRetry Default { get; } = From(new PipelineOptions());

    public static ActivityRetry From(PipelineOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new(Math.Max(1, options.ActivityMaxAttempts), options.ActivityFirstRetryInterval, options.ActivityMaxRetryInterval, options.DailyLimitProbeInterval);
    }

    /// <summary>The wait between tries while HubSpot's daily limit is spent.</summary>
    public TimeSpan DailyLimitProbeInterval => DailyLimitProbe is { } probe && probe > TimeSpan.Zero ? probe : TimeSpan.FromMinutes(15);

    // A spent daily limit is not retried with backoff: the activity would only fail fast again. The orchestration
    // waits for it on a durable timer instead (HubSpotDailyLimit.CallAsync).
    public TaskOptions ToTaskOptions() => TaskOptions.FromRetryPolicy(new RetryPolicy(
        MaxAttempts, FirstInterval <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : FirstInterval, backoffCoefficient: 2,
        maxRetryInterval: MaxInterval < FirstInterval ? FirstInterval : MaxInterval)
    {
        HandleFailure = failure => !HubSpotDailyLimit.IsCause(failure),
    });
}

/// <summary>What one ScoreLeads run did.</summary>
public sealed record ScoreLeadsResult(int Requested, int Found, int Scored, int Written, int GaveUp);

/// <summary>Which companies' and deals' contacts to look up.</summary>
public sealed record AssociatedContactsQuery(string[] Companies, string[] Deals);

/// <summary>Objects of one type to read (companies, deals or an engagement type).</summary>
public sealed record RelatedObjectsQuery(string ObjectType, string[] Ids);

/// <summary>
/// ScoreLeads: a batch of contact ids → read the contacts and their associations → companies ∥ deals ∥ engagements
/// (one activity per type, in parallel) → score → write back what changed (≤ 100 per batch update) → enroll newly
/// High leads exactly once. The orchestrator only coordinates; each activity is one step of
/// <see cref="ScoreLeadsSteps"/> or <see cref="HubSpotLeadReader"/>, and every input and output is ids, allow-listed
/// (PII-free) HubSpot properties, features or scores — what the task hub stores. Activities are retried with backoff;
/// leads still failing after that go to the poison queue with the reason, so nothing is dropped silently.
/// </summary>
public sealed class ScoreLeadsOrchestration(HubSpotLeadReader reader, ScoreLeadsSteps steps)
{
    [Function(nameof(ScoreLeads))]
    public static async Task<ScoreLeadsResult> ScoreLeads([OrchestrationTrigger] TaskOrchestrationContext context, ScoreLeadsInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var policy = input.Retry ?? ActivityRetry.Default;
        var retry = policy.ToTaskOptions();
        var ids = input.ContactIds.Distinct(StringComparer.Ordinal).ToList();
        try
        {
            if (input.Companies.Length + input.Deals.Length > 0)
            {
                var linked = await context.CallAsync<string[]>(nameof(FindAssociatedContacts), new AssociatedContactsQuery(input.Companies, input.Deals), retry, policy);
                ids = [.. ids.Union(linked, StringComparer.Ordinal)];
            }

            if (ids.Count == 0)
            {
                return new ScoreLeadsResult(0, 0, 0, 0, 0);
            }

            var contacts = await context.CallAsync<LeadContacts>(nameof(ReadContacts), ids.ToArray(), retry, policy);
            var reads = contacts.RelatedIds()
                .Where(r => r.Value.Count > 0)
                .Select(r => (Type: r.Key, Read: context.CallAsync<HubSpotObject[]>(nameof(ReadRelatedObjects), new RelatedObjectsQuery(r.Key, [.. r.Value]), retry, policy)))
                .ToList();
            await Task.WhenAll(reads.Select(r => r.Read));
            var records = HubSpotLeadReader.Assemble(contacts, reads.ToDictionary(r => r.Type, r => (IReadOnlyList<HubSpotObject>)r.Read.Result, StringComparer.Ordinal));

            var scored = await context.CallAsync<ScoredBatch>(nameof(ScoreGatheredLeads), records.Values.ToArray(), retry, policy);
            var written = scored.Leads.Count == 0
                ? new WriteBackOutcome([], [], [], [])
                : await context.CallAsync<WriteBackOutcome>(nameof(WriteBackScores), scored.Leads.ToArray(), retry, policy);
            if (written.High.Count > 0)
            {
                await context.CallAsync(nameof(EnrollHighLeads), written.High.ToArray(), retry, policy);
            }

            if (scored.Failed.Count > 0)
            {
                await context.CallAsync(nameof(GiveUpOnLeads), scored.Failed.ToArray(), retry, policy);
            }

            return new ScoreLeadsResult(ids.Count, contacts.Contacts.Count, scored.Leads.Count, written.Written.Count, scored.Failed.Count);
        }
        catch (TaskFailedException ex)
        {
            // Retries exhausted: every lead of the batch goes to the poison queue (an enrolment that failed there was
            // preceded by a write-back, so replaying it scores, finds nothing to write, and enrolls).
            var reason = $"{ex.FailureDetails.ErrorType}: {ex.FailureDetails.ErrorMessage}";
            await context.CallAsync(nameof(GiveUpOnLeads), ids.Select(id => new LeadFailure(id, ex.TaskName, reason)).ToArray(), retry, policy);
            throw;
        }
    }

    [Function(nameof(FindAssociatedContacts))]
    public async Task<string[]> FindAssociatedContacts([ActivityTrigger] AssociatedContactsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return [.. await steps.ContactsOfAsync(query.Companies, query.Deals, cancellationToken)];
    }

    [Function(nameof(ReadContacts))]
    public Task<LeadContacts> ReadContacts([ActivityTrigger] string[] contactIds, CancellationToken cancellationToken) =>
        reader.ReadContactsAsync(contactIds, cancellationToken);

    [Function(nameof(ReadRelatedObjects))]
    public async Task<HubSpotObject[]> ReadRelatedObjects([ActivityTrigger] RelatedObjectsQuery query, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(query);
        return [.. await reader.ReadObjectsAsync(query.ObjectType, query.Ids, cancellationToken)];
    }

    [Function(nameof(ScoreGatheredLeads))]
    public Task<ScoredBatch> ScoreGatheredLeads([ActivityTrigger] HubSpotLeadRecord[] records, CancellationToken cancellationToken) =>
        steps.ScoreAsync(records, cancellationToken);

    [Function(nameof(WriteBackScores))]
    public Task<WriteBackOutcome> WriteBackScores([ActivityTrigger] ScoredContact[] leads, CancellationToken cancellationToken) =>
        steps.WriteBackAsync(leads, cancellationToken);

    [Function(nameof(EnrollHighLeads))]
    public Task EnrollHighLeads([ActivityTrigger] string[] contactIds, CancellationToken cancellationToken) =>
        steps.EnrollAsync(contactIds, cancellationToken);

    [Function(nameof(GiveUpOnLeads))]
    public Task GiveUpOnLeads([ActivityTrigger] LeadFailure[] failures, CancellationToken cancellationToken) =>
        steps.GiveUpAsync(failures, cancellationToken);
}
