using System.Text.Json;

namespace LeadScoring.Core.Scoring;

/// <summary>Turns System.Text.Json's exceptions into a field name and a sentence a caller can act on.</summary>
public static class JsonErrors
{
    /// <summary>The JSON path without the "$." root, e.g. <c>emailOpens</c>; "$" for the document itself.</summary>
    public static string FieldOf(JsonException ex)
    {
        var path = ex.Path;
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "$";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path;
    }

    public static string Describe(JsonException ex)
    {
        var message = ex.Message;

        // STJ appends "Path: … | LineNumber: … | BytePositionInLine: …"; the field is reported separately.
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        if (cut > 0)
        {
            message = message[..cut];
        }

        if (message.Contains("could not be mapped to any .NET member", StringComparison.Ordinal))
        {
            return "is not a known field";
        }

        return message.Contains("could not be converted", StringComparison.Ordinal)
            ? "has the wrong type (numbers must be JSON numbers, dates ISO 8601 strings, texts JSON strings)"
            : message;
    }
}
