using LeadScoring.Core.HubSpot;

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
public sealed class ContactBatchScoring(HubSpotLeadReader reader, ScoreLeadsSteps steps)
{
    public async Task<ContactBatchOutcome> ScoreAsync(IReadOnlyCollection<string> contactIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        var gather = await reader.GatherAsync(contactIds, cancellationToken).ConfigureAwait(false);
        var scored = await steps.ScoreAsync([.. gather.Records.Values], cancellationToken).ConfigureAwait(false);
        var written = scored.Leads.Count == 0 ? WriteBackOutcome.None : await steps.WriteBackAsync(scored.Leads, cancellationToken).ConfigureAwait(false);
        var unread = gather.Failed.Select(f => new LeadFailure(f.Key, "gather", $"{f.Value.GetType().Name}: {f.Value.Message}"));
        return new ContactBatchOutcome(
            contactIds.Count, gather.Records.Count, scored.Leads.Count - written.Failed.Count, written.Written.Count, [.. written.High], [.. unread, .. written.Failed], [.. scored.Failed]);
    }
}
