using System.Diagnostics;
using LeadScoring.Core.HubSpot;
using Microsoft.Extensions.Logging;

namespace LeadScoring.Core.Pipeline;

/// <summary>What gathering, scoring and writing one batch of contacts did: ids and counts only (what crosses the task hub).</summary>
/// <param name="High">Leads High now (written now, or already held by HubSpot): the enrolment step's input.</param>
/// <param name="Retry">Leads whose HubSpot reads or write failed transiently: to be tried again on their own.</param>
/// <param name="Failed">Leads whose scoring failed: another try would fail the same way.</param>
public sealed record ContactBatchOutcome(int Requested, int Found, int Scored, int Written, string[] High, LeadFailure[] Retry, LeadFailure[] Failed);

/// <summary>
/// One step for a batch of contacts: gather (batched reads, a failing call costing only its own leads), score, and
/// write back what changed. The same step serves webhook work and each chunk of the batch rescore; they differ in
/// size and in the rate budget's lane, which the caller sets.
/// </summary>
public sealed partial class ContactBatchScoring(HubSpotLeadReader reader, ScoreLeadsSteps steps, SharedLeadGathers shared, WebhookLatency latency, ILogger<ContactBatchScoring> logger)
{
    public async Task<ContactBatchOutcome> ScoreAsync(IReadOnlyCollection<string> contactIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        var lane = HubSpotWork.Lane;
        if (lane == HubSpotWorkLane.RealTime)
        {
            latency.Started(contactIds);
        }

        var started = Stopwatch.GetTimestamp();

        // Webhook work shares gathers with webhook work waiting at the same time; a batch chunk is a big gather already.
        LeadGather gather;
        var gatherCalls = new HubSpotCallTimes();
        if (lane == HubSpotWorkLane.RealTime)
        {
            gather = await shared.GatherAsync(contactIds, reader.GatherAsync, cancellationToken).ConfigureAwait(false);
            gatherCalls = gather.Timing?.Calls ?? gatherCalls;
        }
        else
        {
            using (HubSpotWork.Measure(gatherCalls))
            {
                gather = await reader.GatherAsync(contactIds, cancellationToken).ConfigureAwait(false);
            }
        }

        var gathered = Stopwatch.GetTimestamp();
        var scored = await steps.ScoreAsync([.. gather.Records.Values], cancellationToken).ConfigureAwait(false);
        var scoredAt = Stopwatch.GetTimestamp();
        var writeCalls = new HubSpotCallTimes();
        WriteBackOutcome written;
        using (HubSpotWork.Measure(writeCalls))
        {
            written = scored.Leads.Count == 0 ? WriteBackOutcome.None : await steps.WriteBackAsync(scored.Leads, cancellationToken).ConfigureAwait(false);
        }

        var (gatherTime, scoreTime, writeTime) = (Stopwatch.GetElapsedTime(started, gathered), Stopwatch.GetElapsedTime(gathered, scoredAt), Stopwatch.GetElapsedTime(scoredAt));
        if (logger.IsEnabled(LogLevel.Information))
        {
            LogTimings(logger, contactIds.Count, lane, gatherTime.TotalMilliseconds, gatherCalls.MaxWait.TotalMilliseconds, gatherCalls.MaxCall.TotalMilliseconds, gatherCalls.Calls,
                scoreTime.TotalMilliseconds, writeTime.TotalMilliseconds, writeCalls.MaxWait.TotalMilliseconds);
        }
        if (lane == HubSpotWorkLane.RealTime)
        {
            latency.Done(contactIds, new WebhookWorkTimes(gather.Timing?.Waited ?? TimeSpan.Zero, gatherTime, gatherCalls, scoreTime, writeTime, writeCalls));
        }

        var unread = gather.Failed.Select(f => new LeadFailure(f.Key, "gather", $"{f.Value.GetType().Name}: {f.Value.Message}"));
        return new ContactBatchOutcome(
            contactIds.Count, gather.Records.Count, scored.Leads.Count - written.Failed.Count, written.Written.Count, [.. written.High], [.. unread, .. written.Failed], [.. scored.Failed]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scored {Contacts} contacts ({Lane}): gather {GatherMs:0} ms (budget wait max {GatherBudgetMaxMs:0} ms, "
        + "HubSpot max {GatherHubSpotMaxMs:0} ms, {GatherCalls} calls), score {ScoreMs:0} ms, write-back {WriteMs:0} ms (budget wait max {WriteBudgetMaxMs:0} ms)")]
    private static partial void LogTimings(ILogger logger, int contacts, HubSpotWorkLane lane, double gatherMs, double gatherBudgetMaxMs, double gatherHubSpotMaxMs, long gatherCalls,
        double scoreMs, double writeMs, double writeBudgetMaxMs);
}
