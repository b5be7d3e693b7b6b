using System.Globalization;
using System.Text;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Core.Training;

/// <summary>One record of an import and the line of the file it starts on (1 = the header), which errors quote.</summary>
internal sealed record TrainingCsvRow(int Line, TrainingRecordInput Input);

/// <summary>
/// Bulk import format: a header row, then one record per row (RFC 4180 quoting). Columns: contactId, classification,
/// score, attributes (separated by ';'), notes, and any LeadFeatures field by its JSON name (industry, employeeCount,
/// country, emailOpens, lastEngagementAt…). Unknown columns and bad cells are errors naming row and column, where
/// "row N" is always the file's line number N (blank lines and multi-line quoted cells counted), as an editor shows it.
/// </summary>
internal static class TrainingCsv
{
    public const int MaxRows = 10_000;

    private static readonly string[] RecordColumns = ["contactId", "classification", "score", "attributes", "notes"];

    // Throws on invalid bytes instead of turning them into U+FFFD: a Latin-1 "Müller" must not be stored as "M�ller".
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The file as text; an error naming the line when it is not UTF-8 (a BOM is allowed and dropped).</summary>
    public static (string? Text, ValidationError? Error) Decode(ReadOnlySpan<byte> file)
    {
        var bom = file.StartsWith(Encoding.UTF8.Preamble) ? Encoding.UTF8.Preamble.Length : 0;
        try
        {
            return (StrictUtf8.GetString(file[bom..]), null);
        }
        catch (DecoderFallbackException ex)
        {
            var at = bom + Math.Max(0, ex.Index);
            var line = file[..Math.Min(at, file.Length)].Count((byte)'\n') + 1;
            var bad = ex.BytesUnknown is { Length: > 0 } unknown ? $" (byte 0x{unknown[0]:X2})" : "";
            return (null, new ValidationError("$", $"the file must be UTF-8: line {line} has a byte that is not valid UTF-8{bad}, e.g. Latin-1 or Windows-1252 text; save it as \"CSV UTF-8\""));
        }
    }

    /// <param name="now">Our clock, for the features' timestamps (see <see cref="LeadFeaturesValidator"/>).</param>
    public static (List<TrainingCsvRow> Rows, List<ValidationError> Errors) Parse(string csv, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(csv);
        var rows = new List<TrainingCsvRow>();
        var errors = new List<ValidationError>();
        var lines = SplitWithLines(csv);
        if (lines.Count == 0)
        {
            errors.Add(new("$", "the CSV is empty: expected a header row, e.g. contactId,classification,score,attributes,notes,industry,employeeCount"));
            return (rows, errors);
        }

        var header = lines[0].Cells.Select(h => h.Trim()).ToArray();
        var featureColumns = FeatureColumns();
        for (var c = 0; c < header.Length; c++)
        {
            if (!RecordColumns.Contains(header[c], StringComparer.OrdinalIgnoreCase) && !featureColumns.ContainsKey(header[c]))
            {
                errors.Add(new($"header.{header[c]}", "is not a known column (record columns: contactId, classification, score, attributes, notes; or a LeadFeatures field)"));
            }
        }

        if (lines.Count - 1 > MaxRows)
        {
            errors.Add(new("$", $"at most {MaxRows} rows per import (got {lines.Count - 1})"));
        }

        if (errors.Count > 0)
        {
            return (rows, errors);
        }

        for (var r = 1; r < lines.Count; r++)
        {
            var (line, cells) = lines[r];
            if (cells.Count == 1 && string.IsNullOrWhiteSpace(cells[0]))
            {
                continue; // blank line
            }

            if (cells.Count != header.Length)
            {
                errors.Add(new($"row {line}", $"has {cells.Count} cells, the header has {header.Length}"));
                continue;
            }

            var input = new TrainingRecordInput();
            var features = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            for (var c = 0; c < header.Length; c++)
            {
                var value = cells[c].Trim();
                if (value.Length == 0)
                {
                    continue;
                }

                switch (header[c].ToLowerInvariant())
                {
                    case "contactid": input.ContactId = value; break;
                    case "classification": input.Classification = value; break;
                    case "score":
                        if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var score))
                        {
                            input.Score = score;
                        }
                        else
                        {
                            errors.Add(new($"row {line}.score", $"'{value}' is not a whole number"));
                        }

                        break;
                    case "attributes": input.Attributes = [.. value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                    case "notes": input.Notes = value; break;
                    default: features[header[c]] = value; break;
                }
            }

            if (features.Count > 0)
            {
                input.Features = ReadFeatures(features, featureColumns, line, errors);
            }

            var before = errors.Count;
            foreach (var error in TrainingRecordValidator.Validate(input, now, out _))
            {
                errors.Add(new($"row {line}.{error.Field}", error.Message));
            }

            if (errors.Count == before)
            {
                rows.Add(new TrainingCsvRow(line, input));
            }
        }

        return (rows, errors);
    }

    /// <summary>LeadFeatures' JSON field names → whether the value is written as a JSON string (text, dates) or a number.</summary>
    private static Dictionary<string, (string Name, bool Text)> FeatureColumns() =>
        ScoringJsonContext.Default.LeadFeatures.Properties.ToDictionary(
            p => p.Name,
            p => (p.Name, Text: (Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType) is var t && (t == typeof(string) || t == typeof(DateTimeOffset))),
            StringComparer.OrdinalIgnoreCase);

    private static LeadFeatures? ReadFeatures(Dictionary<string, string> cells, Dictionary<string, (string Name, bool Text)> columns, int row, List<ValidationError> errors)
    {
        // Build the JSON document and let the strict scoring JSON contract read it, so CSV and API agree on types.
        var json = new StringBuilder("{");
        foreach (var (header, value) in cells)
        {
            var (name, text) = columns[header];
            json.Append(json.Length > 1 ? "," : "").Append('"').Append(name).Append("\":");
            var number = !text && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
            json.Append(number ? value : "\"" + System.Text.Json.JsonEncodedText.Encode(value).Value + "\"");
        }

        json.Append('}');
        try
        {
            return System.Text.Json.JsonSerializer.Deserialize(json.ToString(), ScoringJsonContext.Default.LeadFeatures);
        }
        catch (System.Text.Json.JsonException ex)
        {
            errors.Add(new($"row {row}.features.{JsonErrors.FieldOf(ex)}", JsonErrors.Describe(ex)));
            return null;
        }
    }

    /// <summary>RFC 4180: fields separated by commas, quoted fields may contain commas, quotes ("") and line breaks.</summary>
    internal static List<List<string>> Split(string csv) => [.. SplitWithLines(csv).Select(r => r.Cells)];

    /// <summary><see cref="Split"/>, with the line each record starts on (line breaks inside quotes move it on).</summary>
    internal static List<(int Line, List<string> Cells)> SplitWithLines(string csv)
    {
        var rows = new List<(int Line, List<string> Cells)>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var line = 1;
        var start = 1;
        for (var i = 0; i < csv.Length; i++)
        {
            var ch = csv[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < csv.Length && csv[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    // \r\n, \n and a lone \r each end one line of the file.
                    if (ch == '\n' || (ch == '\r' && !(i + 1 < csv.Length && csv[i + 1] == '\n')))
                    {
                        line++;
                    }

                    field.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ',')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (ch is '\n' or '\r')
            {
                if (ch == '\r' && i + 1 < csv.Length && csv[i + 1] == '\n')
                {
                    i++;
                }

                row.Add(field.ToString());
                field.Clear();
                rows.Add((start, row));
                row = [];
                line++;
                start = line;
            }
            else
            {
                field.Append(ch);
            }
        }

        if (field.Length > 0 || row.Count > 0)
        {
            row.Add(field.ToString());
            rows.Add((start, row));
        }

        return rows;
    }
}
