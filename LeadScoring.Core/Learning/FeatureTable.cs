namespace LeadScoring.Core.Learning;

/// <summary>What a feature column holds, which decides how the learner encodes it.</summary>
public enum FeatureKind
{
    /// <summary>A number; missing is NaN.</summary>
    Numeric,

    /// <summary>A label from an open set (industry, country…); missing is null.</summary>
    Categorical,

    /// <summary>Yes/no; missing is null.</summary>
    Boolean,
}

/// <summary>One named feature over every row of a table, any value of which may be missing.</summary>
public sealed class FeatureColumn
{
    // Numeric and Boolean columns keep doubles (NaN = missing, Boolean as 0/1); Categorical keeps strings.
    private readonly double[]? _numbers;
    private readonly string?[]? _categories;

    private FeatureColumn(string name, FeatureKind kind, double[]? numbers, string?[]? categories)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        Kind = kind;
        _numbers = numbers;
        _categories = categories;
    }

    public string Name { get; }

    public FeatureKind Kind { get; }

    public int Count => _numbers?.Length ?? _categories!.Length;

    /// <summary>A numeric column; NaN marks a missing value.</summary>
    public static FeatureColumn Numeric(string name, IEnumerable<double> values) =>
        new(name, FeatureKind.Numeric, [.. values], null);

    /// <summary>A numeric column; null marks a missing value.</summary>
    public static FeatureColumn Numeric(string name, IEnumerable<double?> values) =>
        new(name, FeatureKind.Numeric, [.. values.Select(v => v ?? double.NaN)], null);

    /// <summary>A categorical column; null marks a missing value.</summary>
    public static FeatureColumn Categorical(string name, IEnumerable<string?> values) =>
        new(name, FeatureKind.Categorical, null, [.. values]);

    /// <summary>A boolean column; null marks a missing value.</summary>
    public static FeatureColumn Boolean(string name, IEnumerable<bool?> values) =>
        new(name, FeatureKind.Boolean, [.. values.Select(v => v is null ? double.NaN : v.Value ? 1d : 0d)], null);

    /// <summary>The value as a number (Boolean: 0/1); NaN when missing. Not for categorical columns.</summary>
    public double Number(int row) =>
        _numbers is null ? throw new InvalidOperationException($"column '{Name}' is categorical") : _numbers[row];

    /// <summary>The value as a category; null when missing. Not for numeric or boolean columns.</summary>
    public string? Category(int row) =>
        _categories is null ? throw new InvalidOperationException($"column '{Name}' is {Kind}") : _categories[row];

    public bool IsMissing(int row) => _numbers is null ? _categories![row] is null : double.IsNaN(_numbers[row]);

    /// <summary>The value as text for reasons and reports ("" when missing).</summary>
    public string Display(int row) => Kind switch
    {
        FeatureKind.Categorical => _categories![row] ?? "",
        FeatureKind.Boolean => double.IsNaN(_numbers![row]) ? "" : _numbers[row] == 1 ? "true" : "false",
        _ => double.IsNaN(_numbers![row]) ? "" : _numbers[row].ToString("G6", System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>The same column over the given rows, in that order.</summary>
    public FeatureColumn Subset(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return _numbers is null
            ? new(Name, Kind, null, [.. rows.Select(r => _categories![r])])
            : new(Name, Kind, [.. rows.Select(r => _numbers[r])], null);
    }
}

/// <summary>A rectangular set of named feature columns of equal length (no label): what a model scores.</summary>
public sealed class FeatureTable
{
    private readonly Dictionary<string, FeatureColumn> _byName;

    public FeatureTable(IEnumerable<FeatureColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = [.. columns];
        _byName = new(StringComparer.Ordinal);
        foreach (var column in Columns)
        {
            if (!_byName.TryAdd(column.Name, column))
            {
                throw new ArgumentException($"column '{column.Name}' appears twice", nameof(columns));
            }
        }

        RowCount = Columns.Count == 0 ? 0 : Columns[0].Count;
        var ragged = Columns.FirstOrDefault(c => c.Count != RowCount);
        if (ragged is not null)
        {
            throw new ArgumentException($"column '{ragged.Name}' has {ragged.Count} rows, '{Columns[0].Name}' has {RowCount}", nameof(columns));
        }
    }

    public IReadOnlyList<FeatureColumn> Columns { get; }

    public int RowCount { get; }

    /// <summary>The column of that name, or null.</summary>
    public FeatureColumn? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The table over the given rows, in that order.</summary>
    public FeatureTable Subset(IReadOnlyList<int> rows) => new(Columns.Select(c => c.Subset(rows)));

    /// <summary>The table without the named columns (names not present are ignored).</summary>
    public FeatureTable Without(IEnumerable<string> names)
    {
        var drop = new HashSet<string>(names, StringComparer.Ordinal);
        return new(Columns.Where(c => !drop.Contains(c.Name)));
    }
}

/// <summary>Features with a binary outcome per row and an optional weight per row (e.g. hand-classified records counting more).</summary>
public sealed class LabeledTable
{
    public LabeledTable(FeatureTable features, IReadOnlyList<bool> labels, IReadOnlyList<double>? weights = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count != features.RowCount && features.Columns.Count > 0)
        {
            throw new ArgumentException($"{labels.Count} labels for {features.RowCount} rows", nameof(labels));
        }

        if (weights is not null && weights.Count != labels.Count)
        {
            throw new ArgumentException($"{weights.Count} weights for {labels.Count} rows", nameof(weights));
        }

        if (weights is not null && weights.Any(w => !(w >= 0) || double.IsInfinity(w)))
        {
            throw new ArgumentException("weights must be finite and non-negative", nameof(weights));
        }

        Features = features;
        Labels = labels;
        Weights = weights;
    }

    public FeatureTable Features { get; }

    public IReadOnlyList<bool> Labels { get; }

    /// <summary>Row weights, or null when every row counts once.</summary>
    public IReadOnlyList<double>? Weights { get; }

    public int RowCount => Labels.Count;

    public int Positives => Labels.Count(l => l);

    /// <summary>The table over the given rows, in that order.</summary>
    public LabeledTable Subset(IReadOnlyList<int> rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return new(Features.Subset(rows), [.. rows.Select(r => Labels[r])], Weights is null ? null : [.. rows.Select(r => Weights[r])]);
    }

    /// <summary>The table without the named feature columns.</summary>
    public LabeledTable Without(IEnumerable<string> names) => new(Features.Without(names), Labels, Weights);
}
