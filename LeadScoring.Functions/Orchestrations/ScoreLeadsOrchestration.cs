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

/// <summary>
/// ScoreLeads: a batch of contact ids (a company's or deal's contacts looked up first) → one activity that gathers
/// them from HubSpot in batched reads, scores them and writes back what changed (≤ 100 per batch update) → enrol
/// newly High leads exactly once. One activity rather than one per phase because webhook latency is mostly task-hub
/// round trips, and a gather's records (engagements: MBs for a busy lead) must not travel through orchestration
/// history; the orchestrator only coordinates, and every input and output is ids and counts. A lead whose reads or
/// write failed is tried again on its own (<see cref="ContactBatchRetries"/>); the others are written. Leads still
/// failing after the retries go to the poison queue with the reason, so nothing is dropped silently.
/// </summary>
public sealed class ScoreLeadsOrchestration(ContactBatchScoring scoring, ScoreLeadsSteps steps)
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

            var outcome = await ContactBatchRetries.ScoreAsync(context, nameof(ScoreContacts), [.. ids], retry, policy);
            return new ScoreLeadsResult(ids.Count, outcome.Found, outcome.Scored, outcome.Written, outcome.Failed.Length);
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

    /// <summary>Gathers, scores and writes back webhook work, in the rate budget's real-time lane.</summary>
    [Function(nameof(ScoreContacts))]
    public Task<ContactBatchOutcome> ScoreContacts([ActivityTrigger] string[] contactIds, CancellationToken cancellationToken) =>
        scoring.ScoreAsync(contactIds, cancellationToken);

    [Function(nameof(EnrollHighLeads))]
    public Task EnrollHighLeads([ActivityTrigger] string[] contactIds, CancellationToken cancellationToken) =>
        steps.EnrollAsync(contactIds, cancellationToken);

    [Function(nameof(GiveUpOnLeads))]
    public Task GiveUpOnLeads([ActivityTrigger] LeadFailure[] failures, CancellationToken cancellationToken) =>
        steps.GiveUpAsync(failures, cancellationToken);
}

/// <summary>
/// A gather-score-write activity and what follows it, for ScoreLeads and each chunk of BatchRescore: the leads whose
/// HubSpot calls failed transiently are tried again on their own (with backoff on a durable timer, up to the policy's
/// attempts), so one bad call never holds up the rest; then newly High leads are enrolled and what still failed is
/// given up on (poison queue).
/// </summary>
internal static class ContactBatchRetries
{
    public static async Task<ContactBatchOutcome> ScoreAsync(TaskOrchestrationContext context, string activity, string[] ids, TaskOptions retry, ActivityRetry policy)
    {
        var outcome = await context.CallAsync<ContactBatchOutcome>(activity, ids, retry, policy);
        var (found, scored, written, high, failed) = (outcome.Found, outcome.Scored, outcome.Written, outcome.High.ToList(), outcome.Failed.ToList());
        var pending = outcome.Retry;
        var wait = policy.FirstInterval <= TimeSpan.Zero ? TimeSpan.FromMilliseconds(100) : policy.FirstInterval;
        for (var attempt = 1; pending.Length > 0 && attempt < policy.MaxAttempts; attempt++)
        {
            await context.CreateTimer(context.CurrentUtcDateTime + wait, CancellationToken.None);
            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, Math.Max(policy.MaxInterval.Ticks, wait.Ticks)));
            var again = await context.CallAsync<ContactBatchOutcome>(activity, pending.Select(f => f.ContactId).Distinct(StringComparer.Ordinal).ToArray(), retry, policy);
            (found, scored, written) = (found + again.Found, scored + again.Scored, written + again.Written);
            high.AddRange(again.High);
            failed.AddRange(again.Failed);
            pending = again.Retry;
        }

        failed.AddRange(pending);
        if (high.Count > 0)
        {
            await context.CallAsync(nameof(ScoreLeadsOrchestration.EnrollHighLeads), high.Distinct(StringComparer.Ordinal).ToArray(), retry, policy);
        }

        if (failed.Count > 0)
        {
            await context.CallAsync(nameof(ScoreLeadsOrchestration.GiveUpOnLeads), failed.ToArray(), retry, policy);
        }

        return new ContactBatchOutcome(ids.Length, found, scored, written, [.. high], [], [.. failed]);
    }
}
