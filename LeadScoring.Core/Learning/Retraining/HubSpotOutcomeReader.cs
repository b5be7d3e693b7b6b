using LeadScoring.Core.HubSpot;

namespace LeadScoring.Core.Learning.Retraining;

/// <summary>
/// Reads what the contacts' deals did, through the one HubSpot client: associated deals (CRM v4, 100 contacts a
/// call), then their stage and close date (batch read, 100 deals a call). Only closed deals are returned.
/// </summary>
public sealed class HubSpotOutcomeReader(HubSpotClient hubspot)
{
    /// <summary>HubSpot's calculated flags work for every pipeline; the default pipeline's stage ids are the fallback.</summary>
    private static readonly string[] DealProperties = ["dealstage", "closedate", "hs_is_closed_won", "hs_is_closed"];

    public async Task<IReadOnlyList<DealOutcome>> ReadAsync(IReadOnlyCollection<string> contactIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        if (contactIds.Count == 0)
        {
            return [];
        }

        var dealsByContact = await hubspot.GetAssociationsAsync("contacts", contactIds, "deals", cancellationToken).ConfigureAwait(false);
        var dealIds = dealsByContact.Values.SelectMany(d => d).Distinct(StringComparer.Ordinal).ToList();
        if (dealIds.Count == 0)
        {
            return [];
        }

        var deals = (await hubspot.BatchReadAsync("deals", dealIds, DealProperties, cancellationToken).ConfigureAwait(false)).Objects.ToDictionary(d => d.Id, StringComparer.Ordinal);
        var outcomes = new List<DealOutcome>();
        foreach (var (contactId, ids) in dealsByContact)
        {
            foreach (var id in ids)
            {
                if (deals.TryGetValue(id, out var deal) && Closed(deal) is { } closed)
                {
                    outcomes.Add(new DealOutcome(contactId, closed.At, closed.Won));
                }
            }
        }

        return outcomes;
    }

    internal static (DateTimeOffset At, bool Won)? Closed(HubSpotObject deal)
    {
        var stage = deal.Get("dealstage");
        var won = deal.Get("hs_is_closed_won") is { } flag ? flag == "true" : stage == "closedwon";
        var closed = won || (deal.Get("hs_is_closed") is { } isClosed ? isClosed == "true" : stage == "closedlost");
        if (!closed || HubSpotClient.ParseTimestamp(deal.Get("closedate")) is not { } ms)
        {
            return null; // open, or closed without a date: nothing to place in time
        }

        return (DateTimeOffset.FromUnixTimeMilliseconds(ms), won);
    }
}
