using System.Globalization;
using System.Xml;

namespace LeadScoring.Core.Settings;

/// <summary>Parses durations the way people write them in settings: 5m, 2h, 7d, 300s, 00:05:00 or PT5M.</summary>
internal static class Durations
{
    /// <summary>
    /// Like <see cref="TryParse"/>, and also a bare whole number of milliseconds of at least one second — the seed's
    /// own examples write intervals that way (<c>300000</c>, <c>604800000</c>). A bare number below 1000 stays refused:
    /// "5" is far more likely to mean minutes than 5 ms.
    /// </summary>
    public static bool TryParseInterval(string? text, out TimeSpan duration)
    {
        if (long.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds) && milliseconds >= 1000)
        {
            duration = TimeSpan.FromMilliseconds(milliseconds);
            return true;
        }

        return TryParse(text, out duration);
    }

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        var value = text?.Trim();
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }

        var unit = char.ToLowerInvariant(value[^1]);
        if (unit is 's' or 'm' or 'h' or 'd' && value.Length > 1
            && double.TryParse(value.AsSpan(0, value.Length - 1), NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var amount))
        {
            duration = unit switch
            {
                's' => TimeSpan.FromSeconds(amount),
                'm' => TimeSpan.FromMinutes(amount),
                'h' => TimeSpan.FromHours(amount),
                _ => TimeSpan.FromDays(amount),
            };
            return true;
        }

        if (value.StartsWith('P'))
        {
            try
            {
                duration = XmlConvert.ToTimeSpan(value);
                return true;
            }
            catch (FormatException)
            {
                return false;
            }
        }

        // Only the colon form: a bare "5" is ambiguous (minutes? seconds?) and is refused.
        return value.Contains(':', StringComparison.Ordinal)
            && TimeSpan.TryParseExact(value, ["c", @"d\.hh\:mm\:ss", @"hh\:mm\:ss", @"hh\:mm"], CultureInfo.InvariantCulture, out duration);
    }
}
