namespace LeadScoring.Core.Learning.Retraining;

/// <summary>A deal of a contact that HubSpot reports closed: when, and whether it was won.</summary>
public sealed record DealOutcome(string ContactId, DateTimeOffset ClosedAt, bool Won);

/// <summary>A lead as scored at <see cref="ScoredAt"/>, from the score history.</summary>
internal sealed record ScoredLead(string ContactId, DateTimeOffset ScoredAt, LeadSnapshot Snapshot, double ExactScore);

/// <summary>Where a labelled example came from.</summary>
internal enum ExampleSource
{
    /// <summary>A scored lead and what its deals did afterwards.</summary>
    Outcome,

    /// <summary>A hand-classified training record (Ideal = 1, Less Ideal = 0).</summary>
    TrainingRecord,
}

/// <summary>One row to learn from: what was known at <see cref="At"/>, and what happened after.</summary>
internal sealed record LabeledExample(string? ContactId, DateTimeOffset At, LeadSnapshot Snapshot, bool Label, double Weight, ExampleSource Source, double? ExactScore);

/// <summary>The rules of <see cref="PointInTimeDataset"/>.</summary>
/// <param name="Window">How long after a scoring a closed-won deal still counts as its outcome (90 days by default).</param>
/// <param name="TrainingRecordWeight">Weight of a hand-classified record relative to a real outcome.</param>
internal sealed record PointInTimeRules(TimeSpan Window, double TrainingRecordWeight);

/// <summary>
/// Builds a point-in-time training set from the score history and HubSpot's closed deals, so that nothing learned
/// from is something the scorer could not have known when it scored:
/// <list type="bullet">
/// <item>a scoring at t is labelled 1 when one of the contact's deals closed won in (t, t + window];</item>
/// <item>0 when a deal closed lost in that span and none won, or when the window has passed without a win;</item>
/// <item>no label yet (left out) while the window is still open and nothing closed;</item>
/// <item>scorings at or after the contact's first win are left out: their features already show the outcome
/// (lifecycle stage customer, a won deal), which is exactly the leak that flatters published lead-scoring models;</item>
/// <item>one example per contact, so busy contacts do not outweigh quiet ones: one of its labelled scorings, drawn by a
/// stable hash of its id (<see cref="ObservationPoint"/>), so that leads are learned from at every stage.</item>
/// </list>
/// </summary>
internal static class PointInTimeDataset
{
    public static IReadOnlyList<LabeledExample> FromOutcomes(
        IEnumerable<ScoredLead> history, IEnumerable<DealOutcome> outcomes, PointInTimeRules rules, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(outcomes);
        ArgumentNullException.ThrowIfNull(rules);
        var dealsByContact = outcomes.GroupBy(o => o.ContactId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.OrderBy(o => o.ClosedAt).ToList(), StringComparer.Ordinal);
        var examples = new List<LabeledExample>();
        foreach (var contact in history.GroupBy(h => h.ContactId, StringComparer.Ordinal))
        {
            var deals = dealsByContact.GetValueOrDefault(contact.Key) ?? [];
            var firstWin = deals.FirstOrDefault(d => d.Won)?.ClosedAt;
            var labelled = new List<(ScoredLead Scored, bool Label)>();
            foreach (var scored in contact.OrderBy(h => h.ScoredAt))
            {
                if (firstWin is { } won && scored.ScoredAt >= won)
                {
                    break; // the outcome is already in these features
                }

                if (Label(scored.ScoredAt, deals, rules.Window, now) is { } label)
                {
                    labelled.Add((scored, label));
                }
            }

            if (labelled.Count > 0)
            {
                var (chosen, label) = labelled[ObservationPoint(contact.Key, labelled.Count)];
                examples.Add(new LabeledExample(contact.Key, chosen.ScoredAt, chosen.Snapshot, label, 1, ExampleSource.Outcome, chosen.ExactScore));
            }
        }

        return [.. examples.OrderBy(e => e.At).ThenBy(e => e.ContactId, StringComparer.Ordinal)];
    }

    /// <summary>
    /// Which of a contact's <paramref name="count"/> labelled scorings is its example: one drawn by a stable hash of the
    /// id, so the set holds leads at every stage (new and untouched as often as with a deal in play) and a rerun picks
    /// the same rows. Always the latest would teach only how a lead looks just before its outcome — the rep's calls, an
    /// open deal — which a lead waiting to be called never shows.
    /// </summary>
    internal static int ObservationPoint(string contactId, int count)
    {
        var hash = 2166136261u;
        foreach (var c in contactId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)count);
    }

    /// <summary>1, 0, or null while it is too early to tell.</summary>
    internal static bool? Label(DateTimeOffset scoredAt, IReadOnlyList<DealOutcome> deals, TimeSpan window, DateTimeOffset now)
    {
        var end = scoredAt + window;
        var inWindow = deals.Where(d => d.ClosedAt > scoredAt && d.ClosedAt <= end).ToList();
        if (inWindow.Any(d => d.Won))
        {
            return true;
        }

        if (inWindow.Count > 0 || end <= now)
        {
            return false;
        }

        return null;
    }

    /// <summary>Hand-classified records as extra examples: Ideal = 1, Less Ideal = 0, at the configured weight.</summary>
    public static IReadOnlyList<LabeledExample> FromTrainingRecords(IEnumerable<(LeadSnapshot Snapshot, bool Ideal, DateTimeOffset CreatedAt)> records, PointInTimeRules rules)
    {
        ArgumentNullException.ThrowIfNull(records);
        ArgumentNullException.ThrowIfNull(rules);
        return [.. records.Select(r => new LabeledExample(null, r.CreatedAt, r.Snapshot, r.Ideal, rules.TrainingRecordWeight, ExampleSource.TrainingRecord, null))];
    }
}
