using System.Globalization;

namespace LeadScoring.HubSpotEmulator.Portal;

/// <summary>HubSpot's value rules: every value travels as a string and is checked against the property's type.</summary>
internal static class PropertyValues
{
    /// <summary>The stored form of <paramref name="value"/>, or an error (code, message) when HubSpot would refuse it.</summary>
    public static (string? Value, string? Code, string? Message) Normalize(PropertyDefinition definition, string value)
    {
        if (value.Length == 0)
        {
            return ("", null, null);
        }

        switch (definition.Type)
        {
            case "number":
                return decimal.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _)
                    ? (value, null, null)
                    : (null, "INVALID_DECIMAL", $"{value} was not a valid number.");
            case "bool":
                return bool.TryParse(value, out var flag)
                    ? (flag ? "true" : "false", null, null)
                    : (null, "INVALID_BOOLEAN", $"{value} was not a valid boolean; use true or false.");
            case "datetime":
                return ParseInstant(value) is { } at
                    ? (Formats.Iso(at), null, null)
                    : (null, "INVALID_DATE", $"{value} was not a valid date-time; use epoch milliseconds or ISO 8601.");
            case "date":
                if (ParseInstant(value) is { } day)
                {
                    return day.TimeOfDay == TimeSpan.Zero
                        ? (day.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), null, null)
                        : (null, "INVALID_DATE", $"{value} is not midnight UTC; date properties take midnight UTC.");
                }

                return (null, "INVALID_DATE", $"{value} was not a valid date.");
            case "enumeration":
                var chosen = definition.FieldType == "checkbox" ? value.Split(';') : [value];
                var canonical = new List<string>(chosen.Length);
                foreach (var item in chosen)
                {
                    var option = definition.Options.FirstOrDefault(o => string.Equals(o.Value, item, StringComparison.OrdinalIgnoreCase));
                    if (option is null)
                    {
                        var allowed = string.Join(", ", definition.Options.Select(o => o.Value));
                        return (null, "INVALID_OPTION", $"{item} was not one of the allowed options: [{allowed}]");
                    }

                    canonical.Add(option.Value);
                }

                return (string.Join(';', canonical), null, null);
            default:
                return value.Length <= 65_536
                    ? (value, null, null)
                    : (null, "INVALID_STRING", $"{definition.Name} is longer than 65536 characters.");
        }
    }

    /// <summary>Epoch milliseconds, ISO 8601 or yyyy-MM-dd.</summary>
    public static DateTimeOffset? ParseInstant(string value)
    {
        if (long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var ms))
        {
            return ms is >= -62_135_596_800_000 and <= 253_402_300_799_999 ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at)
            ? at
            : null;
    }

    /// <summary>
    /// Orders two values the way search does: dates as instants, numbers numerically, everything else as
    /// case-insensitive text. Null when the values cannot be compared under the property's type.
    /// </summary>
    public static int? Compare(PropertyDefinition? definition, string actual, string wanted)
    {
        if (definition?.Type is "datetime" or "date")
        {
            var a = ParseInstant(actual);
            var b = ParseInstant(wanted);
            return a is null || b is null ? null : a.Value.CompareTo(b.Value);
        }

        if (decimal.TryParse(actual, NumberStyles.Float, CultureInfo.InvariantCulture, out var x)
            && decimal.TryParse(wanted, NumberStyles.Float, CultureInfo.InvariantCulture, out var y))
        {
            return x.CompareTo(y);
        }

        return definition?.Type == "number" ? null : string.Compare(actual, wanted, StringComparison.OrdinalIgnoreCase);
    }
}
