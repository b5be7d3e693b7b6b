using System.Globalization;
using System.Text;

namespace LeadScoring.Core.Learning;

/// <summary>How to read a CSV export into a labelled feature table.</summary>
public sealed record CsvTableOptions(string LabelColumn, string PositiveValue)
{
    public char Separator { get; init; } = ',';

    /// <summary>Columns to leave out (e.g. fields known only after the outcome); each must be in the header.</summary>
    public IReadOnlyList<string> Exclude { get; init; } = [];
}

/// <summary>A CSV that cannot be learned from; the message is one line naming the column or line at fault.</summary>
public sealed class CsvTableException : Exception
{
    public CsvTableException(string message) : base(message) { }

    public CsvTableException() { }

    public CsvTableException(string message, Exception innerException) : base(message, innerException) { }
}

/// <summary>
/// Reads an RFC 4180 CSV (any one-character separator, quoted fields, "" escapes, newlines inside quotes) with a header
/// row into a <see cref="LabeledTable"/>. Column kinds are inferred: every non-missing value a number → Numeric; all
/// yes/no or true/false → Boolean; otherwise Categorical. Empty, NA, N/A, null and NaN cells are missing.
/// </summary>
public static class CsvFeatureTableReader
{
    private static readonly HashSet<string> MissingTokens = new(["", "NA", "N/A", "null", "NaN"], StringComparer.OrdinalIgnoreCase);

    /// <summary>Reads a file; a missing file is a <see cref="CsvTableException"/> too.</summary>
    public static LabeledTable Read(string path, CsvTableOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!File.Exists(path))
        {
            throw new CsvTableException($"{path}: file not found");
        }

        using var reader = new StreamReader(path, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        return Read(reader, options);
    }

    public static LabeledTable Read(TextReader reader, CsvTableOptions options)
    {
        ArgumentNullException.ThrowIfNull(reader);
        ArgumentNullException.ThrowIfNull(options);
        var records = ReadRecords(reader, options.Separator).GetEnumerator();
        if (!records.MoveNext())
        {
            throw new CsvTableException("the CSV is empty: expected a header row");
        }

        var header = records.Current.Fields.Select(h => h.Trim()).ToArray();
        var duplicate = header.GroupBy(h => h, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new CsvTableException($"column '{duplicate.Key}' appears twice in the header");
        }

        var labelIndex = Array.IndexOf(header, options.LabelColumn);
        if (labelIndex < 0)
        {
            throw new CsvTableException(
                $"label column '{options.LabelColumn}' is not in the header (columns: {string.Join(", ", header)}; separator '{options.Separator}')");
        }

        var unknown = options.Exclude.FirstOrDefault(e => !header.Contains(e, StringComparer.Ordinal));
        if (unknown is not null)
        {
            throw new CsvTableException($"excluded column '{unknown}' is not in the header (columns: {string.Join(", ", header)})");
        }

        var keep = Enumerable.Range(0, header.Length)
            .Where(c => c != labelIndex && !options.Exclude.Contains(header[c], StringComparer.Ordinal))
            .ToArray();
        var cells = keep.Select(_ => new List<string?>()).ToArray();
        var labelValues = new List<string>();
        while (records.MoveNext())
        {
            var (line, fields) = records.Current;
            if (fields.Count == 1 && string.IsNullOrWhiteSpace(fields[0]))
            {
                continue; // a blank line, typically the last one
            }

            if (fields.Count != header.Length)
            {
                throw new CsvTableException(
                    $"line {line}: {fields.Count} fields, the header has {header.Length} (separator '{options.Separator}')");
            }

            var label = fields[labelIndex].Trim();
            if (MissingTokens.Contains(label))
            {
                throw new CsvTableException($"line {line}: label column '{options.LabelColumn}' is empty");
            }

            labelValues.Add(label);
            for (var k = 0; k < keep.Length; k++)
            {
                var value = fields[keep[k]].Trim();
                cells[k].Add(MissingTokens.Contains(value) ? null : value);
            }
        }

        var labels = labelValues.Select(v => string.Equals(v, options.PositiveValue, StringComparison.Ordinal)).ToArray();
        var positives = labels.Count(l => l);
        if (positives == 0)
        {
            var seen = labelValues.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).Take(20).ToList();
            throw new CsvTableException(seen.Count == 0
                ? "the CSV has a header but no rows"
                : $"positive value '{options.PositiveValue}' does not occur in label column '{options.LabelColumn}' (values seen: {string.Join(", ", seen)})");
        }

        if (positives == labels.Length)
        {
            throw new CsvTableException(
                $"label column '{options.LabelColumn}' has no negative rows: all {labels.Length} rows are '{options.PositiveValue}'; both classes are needed");
        }

        var columns = keep.Select((c, k) => Infer(header[c], cells[k]));
        return new LabeledTable(new FeatureTable(columns), labels);
    }

    private static FeatureColumn Infer(string name, List<string?> values)
    {
        var present = values.Where(v => v is not null).Select(v => v!).ToList();
        if (present.Count > 0 && present.All(v => double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
        {
            return FeatureColumn.Numeric(name, values.Select(v => v is null ? (double?)null : double.Parse(v, NumberStyles.Float, CultureInfo.InvariantCulture)));
        }

        var distinct = present.Select(v => v.ToLowerInvariant()).Distinct().ToList();
        if (distinct.Count > 0 && (distinct.All(v => v is "yes" or "no") || distinct.All(v => v is "true" or "false")))
        {
            return FeatureColumn.Boolean(name, values.Select(v => v is null ? (bool?)null : v.ToLowerInvariant() is "yes" or "true"));
        }

        return FeatureColumn.Categorical(name, values);
    }

    /// <summary>Records with the 1-based line on which each starts (a quoted field may span lines).</summary>
    private static IEnumerable<(int Line, List<string> Fields)> ReadRecords(TextReader reader, char separator)
    {
        var line = 1;
        var field = new StringBuilder();
        var fields = new List<string>();
        var startLine = 1;
        var inQuotes = false;
        var quotedField = false;
        int ch;
        while ((ch = reader.Read()) >= 0)
        {
            var c = (char)ch;
            if (inQuotes)
            {
                if (c == '"')
                {
                    if (reader.Peek() == '"')
                    {
                        reader.Read();
                        field.Append('"');
                    }
                    else
                    {
                        inQuotes = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }
            }
            else if (c == '"' && field.Length == 0 && !quotedField)
            {
                inQuotes = true;
                quotedField = true;
            }
            else if (c == separator)
            {
                fields.Add(field.ToString());
                field.Clear();
                quotedField = false;
            }
            else if (c is '\n' or '\r')
            {
                if (c == '\r' && reader.Peek() == '\n')
                {
                    reader.Read();
                }

                fields.Add(field.ToString());
                yield return (startLine, fields);
                fields = [];
                field.Clear();
                quotedField = false;
                line++;
                startLine = line;
            }
            else
            {
                field.Append(c);
            }
        }

        if (inQuotes)
        {
            throw new CsvTableException($"line {startLine}: a quoted field is not closed before the end of the file");
        }

        if (field.Length > 0 || fields.Count > 0 || quotedField)
        {
            fields.Add(field.ToString());
            yield return (startLine, fields);
        }
    }
}
