using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace LeadScoring.Core.Learning;

/// <summary>A feature the model was trained on; <paramref name="Categories"/> counts the categorical values given their own slot.</summary>
public sealed record ModelColumn(string Name, FeatureKind Kind, int? Categories);

/// <summary>What a model was trained on and how (kept inside the saved file).</summary>
public sealed record ModelInfo(
    IReadOnlyList<ModelColumn> Columns,
    int TrainingRows,
    int CalibrationRows,
    int Positives,
    string Calibration,
    LearnerOptions Options);

/// <summary>
/// How a model starts from a column that already ranks well: log-odds = Intercept + AnchorWeight·(anchor − AnchorMean)
/// + TreeWeight·trees (see <see cref="LearnerOptions.AnchorColumn"/>).
/// </summary>
/// <param name="TreesOutOfFoldAuc">How well trees trained on the other folds ranked each training row's label: whether
/// the training outcomes taught the trees anything at all.</param>
public sealed record ModelAnchor(string Column, double AnchorMean, double Intercept, double AnchorWeight, double TreeWeight, double TreesOutOfFoldAuc = double.NaN, int Positives = 0, int Negatives = 0)
{
    public double Combine(double anchor, double trees) => Intercept + (AnchorWeight * (anchor - AnchorMean)) + (TreeWeight * trees);

    /// <summary>
    /// The out-of-fold AUC that chance exceeds only 2.5 % of the time at these class sizes (Hanley–McNeil's null
    /// spread): a model trained on outcomes that carry no signal ranks the anchor's way by luck, and must not pass as
    /// learned.
    /// </summary>
    public double ChanceLimit => Positives == 0 || Negatives == 0
        ? 1
        : 0.5 + (1.96 * Math.Sqrt((Positives + Negatives + 1) / (12.0 * Positives * Negatives)));

    /// <summary>Whether the training outcomes were predictable from the features beyond chance.</summary>
    public bool LearnedFromOutcomes => TreesOutOfFoldAuc > ChanceLimit;
}

/// <summary>How much one source column pushed one prediction, in log-odds units of the uncalibrated score (+ raises it).</summary>
/// <param name="Known">False when the lead has no value for the column: the trees still route "missing" somewhere, but
/// an absent value is never a reason to show anyone.</param>
public sealed record FeatureContribution(string Column, string Value, double Contribution, bool Known = true);

/// <summary>A calibrated probability with every column's contribution, largest magnitude first.</summary>
public sealed record ExplainedPrediction(double Probability, double Score, IReadOnlyList<FeatureContribution> Contributions)
{
    /// <summary>The columns that moved this prediction most, either way.</summary>
    public IEnumerable<FeatureContribution> TopReasons(int count) => Contributions.Take(count);
}

/// <summary>
/// A trained, calibrated binary model: predicts probabilities for a <see cref="FeatureTable"/> with the trained columns,
/// explains each prediction, and saves to / loads from a stream (a zip holding the ML.NET model zip and the encoder,
/// calibrator and <see cref="ModelInfo"/> as JSON).
/// </summary>
public sealed class TrainedModel
{
    private const string ModelEntry = "mlnet-model.zip";
    private const string MetadataEntry = "learner.json";
    private const string ScoreColumn = "Score";
    private const string ContributionsColumn = "FeatureContributions";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        // Isotonic steps end at +∞; enums read as names so the file stays legible.
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    private readonly MLContext _ml;
    private readonly ITransformer _model;
    private readonly DataViewSchema _inputSchema;
    private readonly FeatureEncoder _encoder;
    private readonly ProbabilityCalibrator _calibrator;

    internal TrainedModel(MLContext ml, ITransformer model, DataViewSchema inputSchema, FeatureEncoder encoder, ProbabilityCalibrator calibrator, ModelInfo info, ModelAnchor? anchor = null)
    {
        Anchor = anchor;
        _ml = ml;
        _model = model;
        _inputSchema = inputSchema;
        _encoder = encoder;
        _calibrator = calibrator;
        Info = info;
    }

    public ModelInfo Info { get; }

    /// <summary>The column the model starts from, with its weight and the trees'; null when the trees stand alone.</summary>
    public ModelAnchor? Anchor { get; }

    /// <summary>Calibrated probability of the positive class for every row.</summary>
    public double[] PredictProbabilities(FeatureTable features)
    {
        ArgumentNullException.ThrowIfNull(features);
        return [.. RawScores(_ml, _model, _encoder, Anchor, features).Select(_calibrator.Apply)];
    }

    /// <summary>The uncalibrated scores (log-odds scale) for every row: what a recalibration is fitted on.</summary>
    public double[] PredictRawScores(FeatureTable features)
    {
        ArgumentNullException.ThrowIfNull(features);
        return RawScores(_ml, _model, _encoder, Anchor, features);
    }

    /// <summary>The same trees with another score → probability map (the ranking is unchanged when the map rises).</summary>
    internal TrainedModel WithCalibrator(ProbabilityCalibrator calibrator, string why) =>
        new(_ml, _model, _inputSchema, _encoder, calibrator, Info with { Calibration = $"{calibrator.Description}, {why}" }, Anchor);

    /// <summary>Probability, raw score and per-column contributions for every row.</summary>
    public IReadOnlyList<ExplainedPrediction> Explain(FeatureTable features)
    {
        ArgumentNullException.ThrowIfNull(features);
        var scored = Transform(_ml, _model, _encoder, features);
        var trees = scored.GetColumn<float>(ScoreColumn).ToArray();
        var anchorColumn = Anchor is null ? null : AnchorValues(Anchor, features);
        var scores = Anchor is null ? [.. trees.Select(t => (double)t)] : trees.Select((t, r) => Anchor.Combine(anchorColumn![r], t)).ToArray();
        var treeWeight = Anchor?.TreeWeight ?? 1;
        // float[] rather than VBuffer: GetColumn hands out one reused VBuffer for every row.
        var slotContributions = scored.GetColumn<float[]>(ContributionsColumn).ToArray();
        var columns = _encoder.Columns.Select(c => features.Find(c.Name)!).ToArray();
        var anchorIndex = Anchor is null ? -1 : Array.FindIndex(columns, c => c.Name == Anchor.Column);
        var result = new List<ExplainedPrediction>(scores.Length);
        for (var r = 0; r < scores.Length; r++)
        {
            var perColumn = new double[columns.Length];
            var slots = slotContributions[r];
            for (var s = 0; s < slots.Length; s++)
            {
                perColumn[_encoder.SlotSources[s]] += treeWeight * slots[s];
            }

            if (anchorIndex >= 0)
            {
                // The anchor's own pull, relative to the average lead the model was fitted on.
                perColumn[anchorIndex] += Anchor!.AnchorWeight * (anchorColumn![r] - Anchor.AnchorMean);
            }

            var contributions = columns
                .Select((column, c) => new FeatureContribution(column.Name, column.Display(r), perColumn[c], !column.IsMissing(r)))
                .OrderByDescending(x => Math.Abs(x.Contribution))
                .ThenBy(x => x.Column, StringComparer.Ordinal)
                .ToList();
            result.Add(new ExplainedPrediction(_calibrator.Apply(scores[r]), scores[r], contributions));
        }

        return result;
    }

    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true);
        using (var entry = archive.CreateEntry(ModelEntry, CompressionLevel.NoCompression).Open())
        {
            // ML.NET writes its own zip; it wants a seekable stream, which a zip entry is not.
            using var buffer = new MemoryStream();
            _ml.Model.Save(_model, _inputSchema, buffer);
            buffer.Position = 0;
            buffer.CopyTo(entry);
        }

        using (var entry = archive.CreateEntry(MetadataEntry, CompressionLevel.Optimal).Open())
        {
            JsonSerializer.Serialize(entry, new SavedMetadata(_encoder.Columns, _calibrator, Info, Anchor), Json);
        }
    }

    /// <summary>Reads a model written by <see cref="Save"/>; a stream that is not one throws <see cref="InvalidDataException"/>.</summary>
    public static TrainedModel Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var archive = new ZipArchive(stream, ZipArchiveMode.Read, leaveOpen: true);
        var modelEntry = archive.GetEntry(ModelEntry) ?? throw new InvalidDataException($"not a LeadScoring model: no {ModelEntry}");
        var metadataEntry = archive.GetEntry(MetadataEntry) ?? throw new InvalidDataException($"not a LeadScoring model: no {MetadataEntry}");
        SavedMetadata metadata;
        using (var json = metadataEntry.Open())
        {
            metadata = JsonSerializer.Deserialize<SavedMetadata>(json, Json) ?? throw new InvalidDataException($"{MetadataEntry} is empty");
        }

        var ml = new MLContext(metadata.Info.Options.Seed);
        using var buffer = new MemoryStream();
        using (var entry = modelEntry.Open())
        {
            entry.CopyTo(buffer);
        }

        buffer.Position = 0;
        var model = ml.Model.Load(buffer, out var inputSchema);
        return new TrainedModel(ml, model, inputSchema, new FeatureEncoder(metadata.Columns), metadata.Calibrator, metadata.Info, metadata.Anchor);
    }

    internal static double[] RawScores(MLContext ml, ITransformer model, FeatureEncoder encoder, ModelAnchor? anchor, FeatureTable features)
    {
        var trees = Transform(ml, model, encoder, features).GetColumn<float>(ScoreColumn).Select(s => (double)s).ToArray();
        if (anchor is null)
        {
            return trees;
        }

        var values = AnchorValues(anchor, features);
        return [.. trees.Select((t, r) => anchor.Combine(values[r], t))];
    }

    private static double[] AnchorValues(ModelAnchor anchor, FeatureTable features) =>
        features.Find(anchor.Column) is { Kind: FeatureKind.Numeric } column
            ? [.. Enumerable.Range(0, features.RowCount).Select(r => column.IsMissing(r) ? anchor.AnchorMean : column.Number(r))]
            : throw new ArgumentException($"the model starts from column '{anchor.Column}', which the table lacks", nameof(features));

    private static IDataView Transform(MLContext ml, ITransformer model, FeatureEncoder encoder, FeatureTable features)
    {
        var unlabeled = new LabeledTable(features, new bool[features.RowCount]);
        return model.Transform(TabularLearner.ToDataView(ml, encoder, unlabeled));
    }

    private sealed record SavedMetadata(IReadOnlyList<EncodedColumn> Columns, ProbabilityCalibrator Calibrator, ModelInfo Info, ModelAnchor? Anchor = null);
}
