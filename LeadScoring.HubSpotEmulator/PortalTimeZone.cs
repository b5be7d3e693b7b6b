using System.Globalization;

namespace LeadScoring.HubSpotEmulator;

/// <summary>
/// The portal's time zone: HubSpot resets the daily API allowance at midnight there and reports it in account-info.
/// Accepts IANA and Windows ids. The repo runs with InvariantGlobalization, which switches off ICU's id conversion,
/// so the common Windows ids are mapped here.
/// </summary>
internal sealed class PortalTimeZone
{
    private const string EasternIana = "America/New_York";

    // CLDR's territory-001 zone for each common Windows id (hand-picked subset; ids the tz database has carried for years).
    private static readonly Dictionary<string, string> WindowsToIana = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Dateline Standard Time"] = "Etc/GMT+12",
        ["UTC-11"] = "Etc/GMT+11",
        ["Hawaiian Standard Time"] = "Pacific/Honolulu",
        ["Alaskan Standard Time"] = "America/Anchorage",
        ["Pacific Standard Time"] = "America/Los_Angeles",
        ["Pacific Standard Time (Mexico)"] = "America/Tijuana",
        ["US Mountain Standard Time"] = "America/Phoenix",
        ["Mountain Standard Time"] = "America/Denver",
        ["Central America Standard Time"] = "America/Guatemala",
        ["Central Standard Time"] = "America/Chicago",
        ["Central Standard Time (Mexico)"] = "America/Mexico_City",
        ["Canada Central Standard Time"] = "America/Regina",
        ["SA Pacific Standard Time"] = "America/Bogota",
        ["Eastern Standard Time"] = EasternIana,
        ["US Eastern Standard Time"] = "America/Indiana/Indianapolis",
        ["Atlantic Standard Time"] = "America/Halifax",
        ["Venezuela Standard Time"] = "America/Caracas",
        ["SA Western Standard Time"] = "America/La_Paz",
        ["Pacific SA Standard Time"] = "America/Santiago",
        ["Newfoundland Standard Time"] = "America/St_Johns",
        ["E. South America Standard Time"] = "America/Sao_Paulo",
        ["Argentina Standard Time"] = "America/Argentina/Buenos_Aires",
        ["SA Eastern Standard Time"] = "America/Cayenne",
        ["UTC-02"] = "Etc/GMT+2",
        ["Azores Standard Time"] = "Atlantic/Azores",
        ["Cape Verde Standard Time"] = "Atlantic/Cape_Verde",
        ["GMT Standard Time"] = "Europe/London",
        ["Greenwich Standard Time"] = "Atlantic/Reykjavik",
        ["W. Europe Standard Time"] = "Europe/Berlin",
        ["Central Europe Standard Time"] = "Europe/Budapest",
        ["Romance Standard Time"] = "Europe/Paris",
        ["Central European Standard Time"] = "Europe/Warsaw",
        ["W. Central Africa Standard Time"] = "Africa/Lagos",
        ["GTB Standard Time"] = "Europe/Bucharest",
        ["E. Europe Standard Time"] = "Europe/Chisinau",
        ["Egypt Standard Time"] = "Africa/Cairo",
        ["FLE Standard Time"] = "Europe/Kiev",
        ["Israel Standard Time"] = "Asia/Jerusalem",
        ["South Africa Standard Time"] = "Africa/Johannesburg",
        ["Turkey Standard Time"] = "Europe/Istanbul",
        ["Russian Standard Time"] = "Europe/Moscow",
        ["Arab Standard Time"] = "Asia/Riyadh",
        ["E. Africa Standard Time"] = "Africa/Nairobi",
        ["Iran Standard Time"] = "Asia/Tehran",
        ["Arabian Standard Time"] = "Asia/Dubai",
        ["Pakistan Standard Time"] = "Asia/Karachi",
        ["India Standard Time"] = "Asia/Kolkata",
        ["Nepal Standard Time"] = "Asia/Kathmandu",
        ["Bangladesh Standard Time"] = "Asia/Dhaka",
        ["SE Asia Standard Time"] = "Asia/Bangkok",
        ["China Standard Time"] = "Asia/Shanghai",
        ["Singapore Standard Time"] = "Asia/Singapore",
        ["W. Australia Standard Time"] = "Australia/Perth",
        ["Taipei Standard Time"] = "Asia/Taipei",
        ["Tokyo Standard Time"] = "Asia/Tokyo",
        ["Korea Standard Time"] = "Asia/Seoul",
        ["Cen. Australia Standard Time"] = "Australia/Adelaide",
        ["AUS Central Standard Time"] = "Australia/Darwin",
        ["E. Australia Standard Time"] = "Australia/Brisbane",
        ["AUS Eastern Standard Time"] = "Australia/Sydney",
        ["Tasmania Standard Time"] = "Australia/Hobart",
        ["New Zealand Standard Time"] = "Pacific/Auckland",
        ["Tonga Standard Time"] = "Pacific/Tongatapu",
    };

    // The legacy "US/…" names HubSpot itself reports, for hosts whose zone database lacks the backward links.
    private static readonly Dictionary<string, string> LegacyAliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["US/Eastern"] = EasternIana,
        ["US/Central"] = "America/Chicago",
        ["US/Mountain"] = "America/Denver",
        ["US/Pacific"] = "America/Los_Angeles",
        ["US/Alaska"] = "America/Anchorage",
        ["US/Hawaii"] = "Pacific/Honolulu",
        ["US/Arizona"] = "America/Phoenix",
    };

    private PortalTimeZone(string id, TimeZoneInfo zone)
    {
        Id = id;
        Zone = zone;
    }

    /// <summary>HubSpot's default portal zone.</summary>
    public static PortalTimeZone Default { get; } = Resolve("US/Eastern")!;

    /// <summary>The IANA id account-info reports: as configured, or the IANA equivalent of a Windows id.</summary>
    public string Id { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>The zone, or null when neither this host nor the built-in table knows <paramref name="id"/>.</summary>
    public static PortalTimeZone? Resolve(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        id = id.Trim();
        var isWindowsId = WindowsToIana.TryGetValue(id, out var mappedIana)
            || (TimeZoneInfo.TryConvertWindowsIdToIanaId(id, out mappedIana) && mappedIana is not null);
        var ianaId = isWindowsId ? mappedIana! : id;
        var canonical = LegacyAliases.GetValueOrDefault(ianaId) ?? ianaId;

        // A Windows host without ICU knows only Windows ids, a Linux host only IANA ones: try each spelling.
        var windowsId = isWindowsId ? id : WindowsToIana.FirstOrDefault(p => string.Equals(p.Value, canonical, StringComparison.OrdinalIgnoreCase)).Key;
        var zone = Find(id) ?? Find(ianaId) ?? Find(canonical) ?? (windowsId is null ? null : Find(windowsId));

        // Hosts without a zone database (slim containers) still start with HubSpot's default zone.
        zone ??= canonical == EasternIana ? BuiltInEastern() : null;
        return zone is null ? null : new PortalTimeZone(ianaId, zone);
    }

    /// <summary>The zone's offset from UTC at <paramref name="at"/>.</summary>
    public TimeSpan OffsetAt(DateTimeOffset at) => Zone.GetUtcOffset(at);

    /// <summary>The portal's calendar day at <paramref name="at"/>.</summary>
    public DateOnly DayAt(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);

    /// <summary>The first instant of the portal day after the one <paramref name="at"/> falls in (DST-safe: skips a missing midnight, takes the first of two).</summary>
    public DateTimeOffset NextMidnight(DateTimeOffset at)
    {
        var local = DayAt(at).AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (Zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(1);
        }

        var offset = Zone.IsAmbiguousTime(local) ? Zone.GetAmbiguousTimeOffsets(local).Max() : Zone.GetUtcOffset(local);
        return new DateTimeOffset(local, offset).ToUniversalTime();
    }

    /// <summary>±hh:mm, as account-info's <c>utcOffset</c>.</summary>
    public static string FormatOffset(TimeSpan offset) =>
        (offset < TimeSpan.Zero ? "-" : "+") + offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);

    private static TimeZoneInfo? Find(string id)
    {
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (TimeZoneNotFoundException)
        {
            return null;
        }
        catch (InvalidTimeZoneException)
        {
            return null;
        }
    }

    /// <summary>US Eastern with the rules in force since 2007 (second Sunday of March to first Sunday of November, 02:00).</summary>
    internal static TimeZoneInfo BuiltInEastern()
    {
        var rule = TimeZoneInfo.AdjustmentRule.CreateAdjustmentRule(
            DateTime.MinValue.Date,
            DateTime.MaxValue.Date,
            TimeSpan.FromHours(1),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0, DateTimeKind.Unspecified), 3, 2, DayOfWeek.Sunday),
            TimeZoneInfo.TransitionTime.CreateFloatingDateRule(new DateTime(1, 1, 1, 2, 0, 0, DateTimeKind.Unspecified), 11, 1, DayOfWeek.Sunday));
        return TimeZoneInfo.CreateCustomTimeZone(EasternIana, TimeSpan.FromHours(-5), "(UTC-05:00) Eastern Time", "Eastern Standard Time", "Eastern Daylight Time", [rule]);
    }
}
