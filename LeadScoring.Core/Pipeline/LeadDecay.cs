using LeadScoring.Core.Storage;

namespace LeadScoring.Core.Pipeline;

/// <summary>What one page of the decay pass did; ids only for the enrolments and give-ups that follow.</summary>
/// <param name="Continuation">Where the next page starts; null after the last.</param>
public sealed record DecayPageOutcome(int Examined, int Changed, int Written, string[] High, LeadFailure[] Failed, string? Continuation);

/// <summary>
/// Time decay without HubSpot reads: each lead is rescored from the snapshot of its last gather with recency advanced
/// to now, and only leads whose visible score properties change are written back (≤ 100 per batch update). A lead
/// someone changed in HubSpot meanwhile was rescored from fresh data by its webhook or the batch, which also replaced
/// its snapshot, so the pass never writes over newer data with older.
/// </summary>
public sealed class LeadDecay(LeadSnapshotStore snapshots, ScoreLeadsSteps steps)
{
    /// <summary>One page of snapshots: rescore, write what changed, return the counts and the next page's start.</summary>
    public async Task<DecayPageOutcome> RunPageAsync(string? continuation, int take, CancellationToken cancellationToken = default)
    {
        var page = await snapshots.PageAsync(continuation, take, cancellationToken).ConfigureAwait(false);
        var scored = await steps.RescoreSnapshotsAsync([.. page.Snapshots.Select(s => s.Record)], cancellationToken).ConfigureAwait(false);
        var changed = scored.Leads.Where(l => !l.InHubSpot).ToList();
        var outcome = changed.Count == 0 ? WriteBackOutcome.None : await steps.WriteBackAsync(changed, cancellationToken).ConfigureAwait(false);
        var written = outcome.Written.ToHashSet(StringComparer.Ordinal);
        return new DecayPageOutcome(
            page.Snapshots.Count, changed.Count, outcome.Written.Count, [.. outcome.High.Where(written.Contains)], [.. scored.Failed, .. outcome.Failed], page.Continuation);
    }
}
