using TimeZoneConverter;

namespace LeadScoring.Core.HubSpot;

/// <summary>
/// The portal's time zone, as account-info reports it: HubSpot resets the daily API allowance at midnight there.
/// Accepts IANA ids (HubSpot's own, legacy <c>US/Eastern</c> included) and Windows ids.
/// </summary>
public sealed class HubSpotPortalTimeZone
{
    private HubSpotPortalTimeZone(string id, TimeZoneInfo zone)
    {
        Id = id;
        Zone = zone;
    }

    /// <summary>UTC: what we assume until account-info has told us otherwise.</summary>
    public static HubSpotPortalTimeZone Utc { get; } = new("UTC", TimeZoneInfo.Utc);

    /// <summary>The id as configured or reported.</summary>
    public string Id { get; }

    public TimeZoneInfo Zone { get; }

    /// <summary>The zone, or null when <paramref name="id"/> names no zone this host knows.</summary>
    public static HubSpotPortalTimeZone? Resolve(string? id)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            return null;
        }

        id = id.Trim();

        // The repo runs with InvariantGlobalization (no ICU id conversion); TimeZoneConverter carries the mapping.
        return TZConvert.TryGetTimeZoneInfo(id, out var zone) ? new HubSpotPortalTimeZone(id, zone) : null;
    }

    /// <summary>The portal's calendar day at <paramref name="at"/>.</summary>
    public DateOnly DayAt(DateTimeOffset at) => DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(at, Zone).DateTime);

    /// <summary>The first instant of the portal day after the one <paramref name="at"/> falls in (a midnight that DST
    /// skips moves to the first valid minute; of two, the first counts).</summary>
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

    public override string ToString() => Id;
}
