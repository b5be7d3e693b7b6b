using System.Globalization;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Core.HubSpot;

/// <summary>An engagement's kind (emails, meetings, calls, notes) and its HubSpot object (metadata only).</summary>
public sealed record HubSpotEngagement(string Type, HubSpotObject Record);

/// <summary>Everything fetched from HubSpot about one lead: the contact, its primary company, deals and engagements.</summary>
public sealed record HubSpotLeadRecord(
    HubSpotObject Contact, HubSpotObject? Company, IReadOnlyList<HubSpotObject> Deals, IReadOnlyList<HubSpotEngagement> Engagements);

/// <summary>
/// Turns HubSpot objects into <see cref="LeadFeatures"/>: ids and derived numbers only. This is the PII boundary —
/// only allow-listed properties are read, and nothing textual except enumerated codes passes through.
/// </summary>
internal static class LeadFeaturesMapper
{
    /// <summary>Engagement counts (replies, meetings, calls, total) cover this many days before AsOf.</summary>
    public const int EngagementWindowDays = 90;

    public static LeadFeatures Map(HubSpotLeadRecord record, DateTimeOffset asOf, IReadOnlyDictionary<string, double>? industryWinRates = null)
    {
        ArgumentNullException.ThrowIfNull(record);
        var contact = record.Contact;
        var company = record.Company;
        var industry = Code(company?.Get("industry"))?.ToUpperInvariant();

        var engagements = record.Engagements
            .Select(e => (e.Type, Object: e.Record, At: Timestamp(e.Record.Get("hs_timestamp"))))
            .Where(e => e.At is not null && e.At <= asOf)
            .Select(e => (e.Type, e.Object, At: e.At!.Value))
            .ToList();
        var windowStart = asOf.AddDays(-EngagementWindowDays);
        var recent = engagements.Where(e => e.At >= windowStart).ToList();
        var meetings = recent.Where(e => e.Type == "meetings" && e.Object.Get("hs_meeting_outcome") is not ("CANCELED" or "RESCHEDULED")).ToList();
        var calls = recent.Where(e => e.Type == "calls").ToList();

        var lastEngagement = engagements.Count > 0 ? engagements.Max(e => e.At) : Timestamp(contact.Get("notes_last_updated"));
        if (lastEngagement > asOf)
        {
            lastEngagement = null;
        }

        var deals = record.Deals;
        var won = deals.Where(IsWon).ToList();
        var closed = deals.Where(IsClosed).ToList();
        var wonAmounts = won.Select(d => Number(d.Get("amount"))).OfType<double>().ToList();
        var cycles = closed
            .Select(d => (Created: Timestamp(d.Get("createdate")), Closed: Timestamp(d.Get("closedate"))))
            .Where(d => d.Created is not null && d.Closed is not null && d.Closed >= d.Created)
            .Select(d => (d.Closed!.Value - d.Created!.Value).TotalDays)
            .ToList();
        var openStage = deals.Where(d => !IsClosed(d)).Select(d => Number(d.Get("hs_deal_stage_probability"))).OfType<double>()
            .Select(p => Math.Clamp(p, 0, 1)).DefaultIfEmpty(double.NaN).Max();

        return new LeadFeatures
        {
            ContactId = Id(contact.Id),
            CompanyId = company is null ? null : Id(company.Id),
            AsOf = asOf,
            Industry = industry,
            EmployeeCount = Number(company?.Get("numberofemployees")) is { } employees ? (int)Math.Min(Math.Round(employees), 10_000_000) : null,
            AnnualRevenue = Number(company?.Get("annualrevenue")),
            Country = Countries.ToIsoCode(company?.Get("country")) ?? Countries.ToIsoCode(contact.Get("country")),
            LeadSource = Code(contact.Get("hs_analytics_source"))?.ToUpperInvariant(),
            LifecycleStage = Code(contact.Get("lifecyclestage"))?.ToLowerInvariant(),
            EmailOpens = Count(contact.Get("hs_email_open")),
            EmailClicks = Count(contact.Get("hs_email_click")),
            EmailReplies = recent.Count(e => e.Type == "emails" && e.Object.Get("hs_email_direction") == "INCOMING_EMAIL"),
            MeetingsBooked = meetings.Count,
            MeetingsAttended = meetings.Count(e => e.Object.Get("hs_meeting_outcome") == "COMPLETED"),
            CallsAttempted = calls.Count,
            CallsConnected = calls.Count(e => e.Object.Get("hs_call_disposition") == HubSpotProperties.CallConnectedDisposition),
            TotalEngagements = recent.Count,
            LastEngagementAt = lastEngagement,
            ActivitiesLast7Days = engagements.Count(e => e.At >= asOf.AddDays(-7)),
            ActivitiesLast30Days = engagements.Count(e => e.At >= asOf.AddDays(-30)),
            ActivitiesLast90Days = recent.Count,
            MedianResponseHours = MedianResponseHours(engagements.Where(e => e.Type == "emails").OrderBy(e => e.At).Select(e => (e.Object.Get("hs_email_direction"), e.At))),
            DealsCount = deals.Count,
            DealsWon = won.Count,
            DealsLost = closed.Count - won.Count,
            AverageWonAmount = wonAmounts.Count > 0 ? Math.Max(0, wonAmounts.Average()) : null,
            MedianSalesCycleDays = cycles.Count > 0 ? Median(cycles) : null,
            IndustryWinRate = industry is not null && industryWinRates?.TryGetValue(industry, out var rate) == true ? Math.Clamp(rate, 0, 1) : null,
            OpenDealStageProbability = double.IsNaN(openStage) ? null : openStage,
        };
    }

    private static bool IsWon(HubSpotObject deal) =>
        deal.Get("hs_is_closed_won") is { } flag ? string.Equals(flag, "true", StringComparison.OrdinalIgnoreCase) : deal.Get("dealstage") == "closedwon";

    private static bool IsClosed(HubSpotObject deal) =>
        deal.Get("hs_is_closed") is { } flag ? string.Equals(flag, "true", StringComparison.OrdinalIgnoreCase) : deal.Get("dealstage") is "closedwon" or "closedlost";

    /// <summary>Hours from each of our emails to the lead's next reply; the median of those.</summary>
    private static double? MedianResponseHours(IEnumerable<(string? Direction, DateTimeOffset At)> emails)
    {
        var hours = new List<double>();
        DateTimeOffset? awaiting = null;
        foreach (var (direction, at) in emails)
        {
            if (direction == "EMAIL")
            {
                awaiting ??= at;
            }
            else if (direction == "INCOMING_EMAIL" && awaiting is { } sent)
            {
                hours.Add((at - sent).TotalHours);
                awaiting = null;
            }
        }

        return hours.Count > 0 ? Median(hours) : null;
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        var mid = values.Count / 2;
        return values.Count % 2 == 1 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
    }

    /// <summary>Only enumerated codes pass (letters, digits, '_' and '-'), so free text cannot leak through a code field.</summary>
    private static string? Code(string? value) =>
        value is { Length: > 0 and <= 64 } v && v.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-') ? v : null;

    private static string? Id(string? value) => value is { Length: > 0 and <= 20 } v && v.All(char.IsAsciiDigit) ? v : null;

    private static double? Number(string? value) =>
        double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && double.IsFinite(n) && n >= 0 ? n : null;

    private static int? Count(string? value) => Number(value) is { } n ? (int)Math.Min(Math.Round(n), 10_000_000) : null;

    private static DateTimeOffset? Timestamp(string? value) =>
        HubSpotClient.ParseTimestamp(value) is { } ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
