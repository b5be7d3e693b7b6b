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
public sealed partial class ContactBatchScoring(HubSpotLeadReader reader, ScoreLeadsSteps steps, SharedLeadGathers shared, ILogger<ContactBatchScoring> logger)
{
    public async Task<ContactBatchOutcome> ScoreAsync(IReadOnlyCollection<string> contactIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        var started = Stopwatch.GetTimestamp();
        // Webhook work shares gathers with webhook work waiting at the same time; a batch chunk is a big gather already.
        var gather = HubSpotWork.Lane == HubSpotWorkLane.RealTime
            ? await shared.GatherAsync(contactIds, reader.GatherAsync, cancellationToken).ConfigureAwait(false)
            : await reader.GatherAsync(contactIds, cancellationToken).ConfigureAwait(false);
        var gathered = Stopwatch.GetTimestamp();
        var scored = await steps.ScoreAsync([.. gather.Records.Values], cancellationToken).ConfigureAwait(false);
        var scoredAt = Stopwatch.GetTimestamp();
        var written = scored.Leads.Count == 0 ? WriteBackOutcome.None : await steps.WriteBackAsync(scored.Leads, cancellationToken).ConfigureAwait(false);
        if (logger.IsEnabled(LogLevel.Information))
        {
            var (gatherMs, scoreMs, writeMs) = (Stopwatch.GetElapsedTime(started, gathered).TotalMilliseconds,
                Stopwatch.GetElapsedTime(gathered, scoredAt).TotalMilliseconds, Stopwatch.GetElapsedTime(scoredAt).TotalMilliseconds);
            var lane = HubSpotWork.Lane;
            LogTimings(logger, contactIds.Count, lane, gatherMs, scoreMs, writeMs);
        }

        var unread = gather.Failed.Select(f => new LeadFailure(f.Key, "gather", $"{f.Value.GetType().Name}: {f.Value.Message}"));
        return new ContactBatchOutcome(
            contactIds.Count, gather.Records.Count, scored.Leads.Count - written.Failed.Count, written.Written.Count, [.. written.High], [.. unread, .. written.Failed], [.. scored.Failed]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Scored {Contacts} contacts ({Lane}): gather {GatherMs:0} ms, score {ScoreMs:0} ms, write-back {WriteMs:0} ms")]
    private static partial void LogTimings(ILogger logger, int contacts, HubSpotWorkLane lane, double gatherMs, double scoreMs, double writeMs);
}
