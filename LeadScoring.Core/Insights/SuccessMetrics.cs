using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;

namespace LeadScoring.Core.Insights;

/// <summary>
/// Lead-to-close per priority tier: scored leads in the tier, how many have a deal won in the period, and that rate
/// with its 95 % interval (a caution under <see cref="RateInterval.SmallSample"/> leads).
/// </summary>
public sealed record TierConversion(string Priority, int Leads, int Won, RateInterval Rate);

/// <summary>
/// Days from deal creation to close-won: median and mean over <paramref name="Deals"/> deals (null when there are none),
/// and how many won deals were left out because they were closed the moment they were created.
/// </summary>
/// <param name="ClosedAtCreation">
/// Deals recorded already won (created and closed within <see cref="SuccessMetrics.NoCycle"/>): entered after the
/// fact or imported, so they carry no sales cycle. Counted as 0 days they made the median "0.0".
/// </param>
public sealed record TimeToClose(int Deals, double? MedianDays, double? MeanDays, int ClosedAtCreation = 0);

/// <summary>Whether the promised results happen: conversion by tier and how much faster High leads close, over <paramref name="Days"/> days.</summary>
public sealed record SuccessReport(DateTimeOffset At, int Days, IReadOnlyList<TierConversion> ByPriority, TimeToClose High, TimeToClose Rest, int DealsClosedWon, int DealsClosedLost);

/// <summary>
/// Business results from HubSpot's deal history (read through the one typed client): deals closed won in the last 90
/// days, joined to their contacts' current priority tier (the tier as last written, not at the time of the deal).
/// </summary>
public sealed class SuccessMetrics(HubSpotClient hubspot, LastWrittenScoreStore lastWritten, TimeProvider clock)
{
    public const int Days = 90;

    /// <summary>A deal closed this soon after it was created was recorded won, not worked: it has no sales cycle to measure.</summary>
    public static readonly TimeSpan NoCycle = TimeSpan.FromHours(1);

    public async Task<SuccessReport> ReportAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var since = now.AddDays(-Days);
        var tiers = (await lastWritten.ListAsync(int.MaxValue, cancellationToken).ConfigureAwait(false)).ToDictionary(s => s.ContactId, s => s.Priority, StringComparer.Ordinal);

        var won = new List<HubSpotObject>();
        var lost = 0;
        await foreach (var deal in hubspot.SearchModifiedSinceAsync("deals", since, ["createdate", "closedate", "hs_is_closed_won", "hs_is_closed"], cancellationToken: cancellationToken).ConfigureAwait(false))
        {
            if (HubSpotClient.ParseTimestamp(deal.Get("closedate")) is not { } closed || DateTimeOffset.FromUnixTimeMilliseconds(closed) < since || deal.Get("hs_is_closed") != "true")
            {
                continue;
            }

            if (deal.Get("hs_is_closed_won") == "true")
            {
                won.Add(deal);
            }
            else
            {
                lost++;
            }
        }

        var contactsOf = won.Count == 0
            ? new Dictionary<string, IReadOnlyList<string>>()
            : await hubspot.GetAssociationsAsync("deals", [.. won.Select(d => d.Id)], "contacts", cancellationToken).ConfigureAwait(false);
        var wonContacts = contactsOf.Values.SelectMany(c => c).ToHashSet(StringComparer.Ordinal);

        var byPriority = new[] { Priority.High, Priority.Medium, Priority.Low }.Select(p =>
        {
            var inTier = tiers.Where(t => t.Value == p.ToString()).Select(t => t.Key).ToList();
            var wonInTier = inTier.Count(wonContacts.Contains);
            return new TierConversion(p.ToString(), inTier.Count, wonInTier, RateInterval.From(wonInTier, inTier.Count));
        }).ToList();

        var high = new List<double>();
        var rest = new List<double>();
        foreach (var deal in won)
        {
            if (CycleOf(deal) is not { } days)
            {
                continue;
            }

            var isHigh = contactsOf.GetValueOrDefault(deal.Id)?.Any(c => tiers.GetValueOrDefault(c) == nameof(Priority.High)) == true;
            (isHigh ? high : rest).Add(days);
        }

        return new SuccessReport(now, Days, byPriority, Summary(high), Summary(rest), won.Count, lost);
    }

    /// <summary>Days from creation to close; null when a date is missing or the close precedes the creation.</summary>
    private static double? CycleOf(HubSpotObject deal) =>
        HubSpotClient.ParseTimestamp(deal.Get("createdate")) is { } created && HubSpotClient.ParseTimestamp(deal.Get("closedate")) is { } closed && closed >= created
            ? (closed - created) / 86_400_000.0
            : null;

    /// <summary>Median and mean of the deals with a cycle; deals closed at creation are counted apart, never as 0 days.</summary>
    public static TimeToClose Summary(IReadOnlyCollection<double> cycles)
    {
        ArgumentNullException.ThrowIfNull(cycles);
        var days = cycles.Where(d => d >= NoCycle.TotalDays).Order().ToList();
        var atCreation = cycles.Count - days.Count;
        if (days.Count == 0)
        {
            return new TimeToClose(0, null, null, atCreation);
        }

        var median = days.Count % 2 == 1 ? days[days.Count / 2] : (days[(days.Count / 2) - 1] + days[days.Count / 2]) / 2;
        return new TimeToClose(days.Count, Math.Round(median, 1), Math.Round(days.Average(), 1), atCreation);
    }
}
