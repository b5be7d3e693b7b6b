using System.Globalization;
using TimeZoneConverter;

namespace LeadScoring.HubSpotEmulator;

/// <summary>
/// The portal's time zone: HubSpot resets the daily API allowance at midnight there and reports it in account-info.
/// Accepts IANA and Windows ids (TimeZoneConverter maps them: the repo runs with InvariantGlobalization, without ICU).
/// </summary>
internal sealed class PortalTimeZone
{
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

    /// <summary>The zone, or null when <paramref name="id"/> names no zone this host knows.</summary>
    public static PortalTimeZone? Resolve(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        id = id.Trim();
        if (!TZConvert.TryGetTimeZoneInfo(id, out var zone))
        {
            return null;
        }

        var ianaId = !TZConvert.KnownIanaTimeZoneNames.Contains(id) && TZConvert.TryWindowsToIana(id, out var mapped) ? mapped : id;
        return new PortalTimeZone(ianaId, zone);
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
}
