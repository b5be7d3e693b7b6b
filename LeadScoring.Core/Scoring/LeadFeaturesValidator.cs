namespace LeadScoring.Core.Scoring;

/// <summary>
/// Rejects feature records that cannot be true (negative counts, more meetings attended than booked, …).
/// Unknown (null) values are always fine: they only lower confidence.
/// </summary>
internal static class LeadFeaturesValidator
{
    private const int MaxCount = 10_000_000;
    private const int MaxTextLength = 128;

    /// <summary>Largest annual revenue or deal amount accepted: 10^15 in the portal's currency (a trillion dollars is
    /// 10^12; JPY, KRW or IDR figures of the largest firms stay below 10^15). 1e308 is a typo or an attack, not a company.</summary>
    public const double MaxMoney = 1e15;

    /// <summary>Largest median response time (hours) and sales cycle (days): a century. Beyond that the number is a unit mix-up.</summary>
    public const double MaxHours = 876_000;

    public const double MaxDays = 36_500;

    /// <summary>How far a timestamp may run ahead of our clock (the sender's clock may be a little fast).</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <param name="now">Our clock (TimeProvider): nothing can have happened after it, beyond <see cref="ClockSkew"/>.</param>
    public static IReadOnlyList<ValidationError> Validate(LeadFeatures lead, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var errors = new List<ValidationError>();

        CheckId(errors, "contactId", lead.ContactId);
        CheckId(errors, "companyId", lead.CompanyId);
        CheckText(errors, "industry", lead.Industry);
        CheckText(errors, "leadSource", lead.LeadSource);
        CheckText(errors, "lifecycleStage", lead.LifecycleStage);
        if (lead.Country is { } country && !Vocabulary.Countries.Contains(country))
        {
            errors.Add(new("country", $"'{Truncate(country)}' is not an ISO 3166-1 alpha-2 country code (e.g. US, DE)"));
        }

        CheckCount(errors, "employeeCount", lead.EmployeeCount);
        CheckAmount(errors, "annualRevenue", lead.AnnualRevenue, MaxMoney);

        if (lead.EngagementWindowDays is { } window && window is < 1 or > 3650)
        {
            errors.Add(new("engagementWindowDays", $"must be between 1 and 3650 (got {window})"));
        }

        CheckCount(errors, "emailOpens", lead.EmailOpens);
        CheckCount(errors, "emailClicks", lead.EmailClicks);
        CheckCount(errors, "emailReplies", lead.EmailReplies);
        CheckCount(errors, "meetingsBooked", lead.MeetingsBooked);
        CheckCount(errors, "meetingsAttended", lead.MeetingsAttended);
        CheckNotMore(errors, "meetingsAttended", lead.MeetingsAttended, "meetingsBooked", lead.MeetingsBooked);
        CheckCount(errors, "callsAttempted", lead.CallsAttempted);
        CheckCount(errors, "callsConnected", lead.CallsConnected);
        CheckNotMore(errors, "callsConnected", lead.CallsConnected, "callsAttempted", lead.CallsAttempted);
        CheckCount(errors, "totalEngagements", lead.TotalEngagements);

        CheckCount(errors, "activitiesLast7Days", lead.ActivitiesLast7Days);
        CheckCount(errors, "activitiesLast30Days", lead.ActivitiesLast30Days);
        CheckCount(errors, "activitiesLast90Days", lead.ActivitiesLast90Days);
        CheckNotMore(errors, "activitiesLast7Days", lead.ActivitiesLast7Days, "activitiesLast30Days", lead.ActivitiesLast30Days);
        CheckNotMore(errors, "activitiesLast30Days", lead.ActivitiesLast30Days, "activitiesLast90Days", lead.ActivitiesLast90Days);
        if (lead.ActivitiesLast30Days is null)
        {
            CheckNotMore(errors, "activitiesLast7Days", lead.ActivitiesLast7Days, "activitiesLast90Days", lead.ActivitiesLast90Days);
        }
        CheckAmount(errors, "medianResponseHours", lead.MedianResponseHours, MaxHours);
        if (lead.LastEngagementAt is { } last && lead.AsOf is { } asOf && last > asOf.AddDays(1))
        {
            errors.Add(new("lastEngagementAt", $"is more than a day after asOf ({last:O} > {asOf:O})"));
        }
        else if (lead.LastEngagementAt is { } future && future > now + ClockSkew)
        {
            // Recency would read a future engagement as "engaged today" and lift the score.
            errors.Add(new("lastEngagementAt", $"is in the future ({future:O}; now is {now:O}, {ClockSkew.TotalMinutes:0} minutes of clock skew allowed)"));
        }

        CheckCount(errors, "dealsCount", lead.DealsCount);
        CheckCount(errors, "dealsWon", lead.DealsWon);
        CheckCount(errors, "dealsLost", lead.DealsLost);
        if (lead.DealsCount is { } deals && (lead.DealsWon ?? 0) + (lead.DealsLost ?? 0) > deals)
        {
            errors.Add(new("dealsCount", $"must be at least dealsWon + dealsLost ({(lead.DealsWon ?? 0) + (lead.DealsLost ?? 0)}, got {deals})"));
        }

        CheckAmount(errors, "averageWonAmount", lead.AverageWonAmount, MaxMoney);
        CheckAmount(errors, "medianSalesCycleDays", lead.MedianSalesCycleDays, MaxDays);
        CheckProbability(errors, "industryWinRate", lead.IndustryWinRate);
        CheckProbability(errors, "openDealStageProbability", lead.OpenDealStageProbability);
        return errors;
    }

    private static void CheckCount(List<ValidationError> errors, string field, int? value)
    {
        if (value is { } v && v is < 0 or > MaxCount)
        {
            errors.Add(new(field, $"must be a whole number between 0 and {MaxCount} (got {v})"));
        }
    }

    private static void CheckAmount(List<ValidationError> errors, string field, double? value, double max)
    {
        if (value is { } v && (!double.IsFinite(v) || v < 0 || v > max))
        {
            errors.Add(new(field, string.Create(System.Globalization.CultureInfo.InvariantCulture, $"must be a number between 0 and {max:#,0} (got {v:G})")));
        }
    }

    private static void CheckProbability(List<ValidationError> errors, string field, double? value)
    {
        if (value is { } v && !(v is >= 0 and <= 1))
        {
            errors.Add(new(field, $"must be between 0 and 1 (got {v})"));
        }
    }

    private static void CheckNotMore(List<ValidationError> errors, string field, int? value, string boundField, int? bound)
    {
        if (value is { } v && bound is { } b && v > b)
        {
            errors.Add(new(field, $"must not exceed {boundField} ({v} > {b})"));
        }
    }

    private static void CheckId(List<ValidationError> errors, string field, string? value)
    {
        // HubSpot object ids are numeric; anything else here is most likely PII pasted into the wrong field.
        if (value is not null && (value.Length is 0 or > 20 || !value.All(char.IsAsciiDigit)))
        {
            errors.Add(new(field, "must be a HubSpot object id (digits only)"));
        }
    }

    private static void CheckText(List<ValidationError> errors, string field, string? value)
    {
        if (value is not null && (value.Length is 0 or > MaxTextLength || value.Any(char.IsControl)))
        {
            errors.Add(new(field, $"must be 1–{MaxTextLength} printable characters"));
        }
    }

    private static string Truncate(string value) => value.Length <= 16 ? value : value[..16] + "…";
}
