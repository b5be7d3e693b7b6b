using LeadScoring.Core.Pipeline;
using LeadScoring.Core.Storage;
using LeadScoring.Functions.Orchestrations;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;

namespace LeadScoring.Functions.Functions;

/// <summary>
/// The queue trigger of <c>score-requests</c>: a message holds the webhook events one group commit of the endpoint
/// accepted. New events (checked against the ledger) are coalesced per object and handed to one ScoreLeads
/// orchestration; privacy deletions are done here (storage only). The events are recorded as seen only after the
/// orchestration is scheduled, and the message completes only when this returns — a crash anywhere means a
/// redelivery the ledger turns into a no-op, never a lost event. A message that keeps failing is moved to
/// <c>score-requests-poison</c> by the Functions host after host.json's maxDequeueCount.
/// </summary>
internal sealed partial class ScoreRequestsFunction(
    ScoreLeadsSteps steps, ScoreLeadsStarter starter, WebhookLatency latency, PipelineErrorLog errors, Microsoft.Extensions.Options.IOptions<PipelineOptions> options, TimeProvider clock, ILogger<ScoreRequestsFunction> logger)
{
    public const string QueueName = "score-requests";

    [Function("ScoreRequests")]
    public async Task RunAsync([QueueTrigger(QueueName)] string message, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(durable);
        if (ScoreRequestQueue.TryParse(message) is not { } request)
        {
            await errors.RecordAsync(new PipelineError("queue", null, "a score-requests message is not a score request; the host retries it and then moves it to the poison queue", null, clock.GetUtcNow()), cancellationToken);
            throw new InvalidDataException("The message is not a score request.");
        }

        var queuedMs = (clock.GetUtcNow() - request.RequestedAt).TotalMilliseconds;
        LogDequeued(logger, queuedMs);

        // A message is normally one group commit of webhook events; a single-object request (an operator's replay of a
        // poisoned one) skips the ledger.
        var sorted = request.Kind == ScoreRequestKind.WebhookEvents
            ? await steps.SortWebhookEventsAsync(request.Events!, cancellationToken)
            : new SortedWebhookEvents(Of(ScoreRequestKind.Contact), Of(ScoreRequestKind.Company), Of(ScoreRequestKind.Deal), Of(ScoreRequestKind.Forget), []);

        foreach (var contactId in sorted.Forget)
        {
            await steps.ForgetAsync(contactId, cancellationToken);
        }

        if (sorted.Contacts.Count + sorted.Companies.Count + sorted.Deals.Count > 0)
        {
            var input = new ScoreLeadsInput([.. sorted.Contacts], [.. sorted.Companies], [.. sorted.Deals], request.Kind == ScoreRequestKind.WebhookEvents ? "webhook" : request.Reason, ActivityRetry.From(options.Value));
            latency.Dequeued(sorted.Contacts, request.RequestedAt);
            var instance = await starter.StartAsync(durable, input, cancellationToken);
            latency.Scheduled(sorted.Contacts);
            LogScheduled(logger, instance, sorted.Contacts.Count, sorted.Companies.Count + sorted.Deals.Count);
        }

        await steps.RecordSeenAsync(sorted.Fresh, cancellationToken);

        string[] Of(ScoreRequestKind kind) => request.Kind == kind ? [request.ObjectId] : [];
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Score request dequeued {AgeMs:0} ms after it was queued")]
    private static partial void LogDequeued(ILogger logger, double ageMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "ScoreLeads {InstanceId} scheduled for {Contacts} contacts and {Parents} companies/deals")]
    private static partial void LogScheduled(ILogger logger, string instanceId, int contacts, int parents);
}
