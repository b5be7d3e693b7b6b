using System.Globalization;

namespace LeadScoring.HubSpotEmulator;

/// <summary>How HubSpot writes values on the wire: ISO 8601 UTC with milliseconds, invariant numbers.</summary>
internal static class Formats
{
    public static string Iso(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
