using System.Text.Json.Serialization;

namespace LeadScoring.Core.Learning;

/// <summary>How one source column becomes vector slots: numbers and booleans one slot, categories one slot per kept value.</summary>
internal sealed record EncodedColumn(string Name, FeatureKind Kind, IReadOnlyList<string>? Categories);

/// <summary>
/// Turns a <see cref="FeatureTable"/> into dense float vectors. Missing numbers and booleans stay NaN (LightGBM learns
/// where missing values go); a categorical column gets one 0/1 slot per value seen at least <c>minCount</c> times in
/// training (at most <c>maxCategories</c>, most frequent first), "(missing)" counting as a value, and one "(other)" slot
/// for rare or unseen values, so an unseen value at scoring time is not an error.
/// </summary>
internal sealed class FeatureEncoder
{
    internal const string MissingCategory = "(missing)";
    internal const string OtherCategory = "(other)";

    private readonly int[] _firstSlot;
    private readonly Dictionary<string, int>[] _categoryIndex;

    [JsonConstructor]
    public FeatureEncoder(IReadOnlyList<EncodedColumn> columns)
    {
        Columns = columns;
        _firstSlot = new int[columns.Count];
        _categoryIndex = new Dictionary<string, int>[columns.Count];
        var slotSources = new List<int>();
        for (var c = 0; c < columns.Count; c++)
        {
            _firstSlot[c] = slotSources.Count;
            var width = columns[c].Kind == FeatureKind.Categorical ? columns[c].Categories!.Count + 1 : 1;
            slotSources.AddRange(Enumerable.Repeat(c, width));
            _categoryIndex[c] = columns[c].Categories?.Select((v, i) => (v, i)).ToDictionary(x => x.v, x => x.i, StringComparer.Ordinal) ?? [];
        }

        SlotSources = slotSources;
    }

    public IReadOnlyList<EncodedColumn> Columns { get; }

    /// <summary>The source column index of every slot.</summary>
    [JsonIgnore]
    public IReadOnlyList<int> SlotSources { get; }

    [JsonIgnore]
    public int SlotCount => SlotSources.Count;

    public static FeatureEncoder Fit(FeatureTable table, int minCount, int maxCategories)
    {
        var columns = table.Columns.Select(column =>
        {
            if (column.Kind != FeatureKind.Categorical)
            {
                return new EncodedColumn(column.Name, column.Kind, null);
            }

            var kept = Enumerable.Range(0, column.Count)
                .Select(r => column.Category(r) ?? MissingCategory)
                .GroupBy(v => v, StringComparer.Ordinal)
                .Where(g => g.Count() >= minCount)
                .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
                .Take(maxCategories)
                .Select(g => g.Key)
                .ToList();
            return new EncodedColumn(column.Name, column.Kind, kept);
        });
        return new FeatureEncoder([.. columns]);
    }

    /// <summary>One vector per row; the table must have every trained column with the same kind (extra columns are ignored).</summary>
    public float[][] Encode(FeatureTable table)
    {
        var sources = Columns.Select(encoded =>
        {
            var column = table.Find(encoded.Name)
                ?? throw new ArgumentException($"column '{encoded.Name}' the model was trained on is missing", nameof(table));
            return column.Kind == encoded.Kind
                ? column
                : throw new ArgumentException($"column '{encoded.Name}' is {column.Kind}, the model was trained on {encoded.Kind}", nameof(table));
        }).ToArray();

        var rows = new float[table.RowCount][];
        for (var r = 0; r < rows.Length; r++)
        {
            var vector = new float[SlotCount];
            for (var c = 0; c < sources.Length; c++)
            {
                if (Columns[c].Kind != FeatureKind.Categorical)
                {
                    vector[_firstSlot[c]] = (float)sources[c].Number(r);
                    continue;
                }

                var value = sources[c].Category(r) ?? MissingCategory;
                var index = _categoryIndex[c].TryGetValue(value, out var i) ? i : Columns[c].Categories!.Count;
                vector[_firstSlot[c] + index] = 1;
            }

            rows[r] = vector;
        }

        return rows;
    }
}
