using System.ComponentModel.DataAnnotations;
using Microsoft.ML;
using Microsoft.ML.Data;
using Microsoft.ML.Trainers.LightGbm;

namespace LeadScoring.Core.Learning;

/// <summary>Which training rows are held out to fit the calibrator.</summary>
public enum CalibrationHoldout
{
    /// <summary>A random, class-stratified share of the rows.</summary>
    Random,

    /// <summary>
    /// The last rows in table order: calibrates on the most recent period, but keeps it out of the trees — on drifting
    /// data that costs ranking (bank-full chronological: AUC 0.56 instead of 0.70), so prefer <see cref="Random"/>.
    /// </summary>
    Latest,
}

/// <summary>Gradient-boosting and calibration settings; the defaults suit a few thousand to a few hundred thousand rows.</summary>
public sealed record LearnerOptions
{
    [Range(10, 5000)] public int NumberOfTrees { get; init; } = 500;

    [Range(0.001, 1)] public double LearningRate { get; init; } = 0.03;

    [Range(2, 1024)] public int NumberOfLeaves { get; init; } = 15;

    [Range(1, 10_000)] public int MinimumRowsPerLeaf { get; init; } = 50;

    /// <summary>L2 penalty on leaf values: steadies leaves of rare categories.</summary>
    [Range(0, 1000)] public double L2Regularization { get; init; } = 5;

    /// <summary>Share of the features each tree may use (column subsampling).</summary>
    [Range(0.1, 1)] public double FeatureFraction { get; init; } = 0.7;

    /// <summary>Share of the rows each tree sees (bagging, redrawn every tree).</summary>
    [Range(0.1, 1)] public double RowFraction { get; init; } = 0.8;

    public CalibrationMethod Calibration { get; init; } = CalibrationMethod.Platt;

    /// <summary>Share of the training rows kept out of the trees and used only to fit the calibrator.</summary>
    [Range(0.05, 0.5)] public double CalibrationFraction { get; init; } = 0.2;

    public CalibrationHoldout CalibrationHoldout { get; init; } = CalibrationHoldout.Random;

    /// <summary>A categorical value needs this many training rows to get its own slot; rarer ones share "(other)".</summary>
    [Range(1, 100_000)] public int MinimumCategoryCount { get; init; } = 10;

    [Range(1, 1000)] public int MaximumCategoriesPerColumn { get; init; } = 50;

    public int Seed { get; init; } = 1;

    /// <summary>
    /// LightGBM threads; null = one per core. One is the default: LightGBM's threads spin while they wait, so on a
    /// busy machine (or with other work in the process) two threads can be many times slower than one.
    /// </summary>
    [Range(1, 256)] public int? Threads { get; init; } = 1;

    /// <summary>
    /// A numeric column that already ranks well on its own (the rules' total): when set, the model starts from it —
    /// its log-odds are a + b·anchor + c·trees, with a, b, c fitted on out-of-fold tree scores, so trees that learned
    /// only noise get a weight near zero and the model stays at the anchor instead of below it.
    /// </summary>
    public string? AnchorColumn { get; init; }

    /// <summary>Folds used to get out-of-fold tree scores for the anchor's weights.</summary>
    [Range(2, 10)] public int AnchorFolds { get; init; } = 4;
}

/// <summary>
/// Learns a calibrated binary model from any <see cref="LabeledTable"/>: ML.NET LightGBM on the encoded features,
/// then Platt or isotonic calibration fitted on a held-out share of the training rows (never on rows it is judged on).
/// </summary>
public sealed class TabularLearner(LearnerOptions? options = null)
{
    internal const string FeaturesColumn = "Features";
    internal const string LabelColumn = "Label";
    internal const string WeightColumn = "Weight";

    public LearnerOptions Options { get; } = options ?? new LearnerOptions();

    /// <summary>Trains on every row given; throws <see cref="ArgumentException"/> when a class is missing from either share.</summary>
    public TrainedModel Train(LabeledTable data, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Features.Columns.Count == 0)
        {
            throw new ArgumentException("no feature columns to learn from", nameof(data));
        }

        var (fitRows, calibrationRows) = SplitForCalibration(data);
        var fit = data.Subset(fitRows);
        var holdout = data.Subset(calibrationRows);
        foreach (var (part, name) in new[] { (fit, "training"), (holdout, "calibration") })
        {
            var positives = part.Positives;
            if (positives == 0 || positives == part.RowCount)
            {
                throw new ArgumentException($"the {name} share ({part.RowCount} rows) has only one class: too few positives or negatives to learn from", nameof(data));
            }
        }

        // ML.NET's public API cannot interrupt a running LightGBM fit, so cancellation is honoured between stages.
        cancellationToken.ThrowIfCancellationRequested();
        var ml = new MLContext(Options.Seed);
        var encoder = FeatureEncoder.Fit(fit.Features, Options.MinimumCategoryCount, Options.MaximumCategoriesPerColumn);
        var trainView = ToDataView(ml, encoder, fit);
        var trainer = ml.BinaryClassification.Trainers.LightGbm(new LightGbmBinaryTrainer.Options
        {
            LabelColumnName = LabelColumn,
            FeatureColumnName = FeaturesColumn,
            ExampleWeightColumnName = WeightColumn,
            NumberOfIterations = Options.NumberOfTrees,
            LearningRate = Options.LearningRate,
            NumberOfLeaves = Options.NumberOfLeaves,
            MinimumExampleCountPerLeaf = Options.MinimumRowsPerLeaf,
            HandleMissingValue = true,
            UseCategoricalSplit = false,
            Seed = Options.Seed,
            NumberOfThreads = Options.Threads,
            Silent = true,
            Verbose = false,
            Booster = new GradientBooster.Options
            {
                L2Regularization = Options.L2Regularization,
                FeatureFraction = Options.FeatureFraction,
                SubsampleFraction = Options.RowFraction,
                SubsampleFrequency = Options.RowFraction < 1 ? 1 : 0,
            },
        });

        var predictor = trainer.Fit(trainView);
        cancellationToken.ThrowIfCancellationRequested();
        var anchor = Options.AnchorColumn is { } anchorColumn ? FitAnchor(ml, encoder, trainer, fit, anchorColumn, cancellationToken) : null;
        // All slots kept: contributions are aggregated per source column afterwards.
        var contributions = ml.Transforms.CalculateFeatureContribution(
            predictor,
            numberOfPositiveContributions: Math.Min(encoder.SlotCount, 1000),
            numberOfNegativeContributions: Math.Min(encoder.SlotCount, 1000),
            normalize: false).Fit(predictor.Transform(trainView));
        ITransformer model = predictor.Append(contributions);
        var holdoutScores = TrainedModel.RawScores(ml, model, encoder, anchor, holdout.Features);
        var calibrator = ProbabilityCalibrator.Fit(Options.Calibration, holdoutScores, holdout.Labels, WeightsOf(holdout));
        var info = new ModelInfo(
            [.. encoder.Columns.Select(c => new ModelColumn(c.Name, c.Kind, c.Categories?.Count))],
            fit.RowCount,
            holdout.RowCount,
            data.Positives,
            calibrator.Description,
            Options);
        return new TrainedModel(ml, model, trainView.Schema, encoder, calibrator, info, anchor);
    }

    /// <summary>
    /// The weights of the anchor and of the trees: trees trained on all but one fold score that fold (every fit row
    /// once, by a model that never saw it), then a logistic regression of the label on (anchor, tree score).
    /// </summary>
    private ModelAnchor FitAnchor(MLContext ml, FeatureEncoder encoder, LightGbmBinaryTrainer trainer, LabeledTable fit, string column, CancellationToken cancellationToken)
    {
        var anchorValues = fit.Features.Find(column) is { Kind: FeatureKind.Numeric } found
            ? Enumerable.Range(0, fit.RowCount).Select(found.Number).ToArray()
            : throw new ArgumentException($"the anchor column '{column}' ({nameof(LearnerOptions.AnchorColumn)}) is not a numeric column of the table", nameof(fit));
        if (anchorValues.Any(double.IsNaN))
        {
            throw new ArgumentException($"the anchor column '{column}' ({nameof(LearnerOptions.AnchorColumn)}) has missing values", nameof(fit));
        }

        var folds = Folds(fit, Options.AnchorFolds);
        var outOfFold = new double[fit.RowCount];
        for (var k = 0; k < Options.AnchorFolds; k++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var heldOut = Enumerable.Range(0, fit.RowCount).Where(i => folds[i] == k).ToList();
            var rest = Enumerable.Range(0, fit.RowCount).Where(i => folds[i] != k).ToList();
            var model = trainer.Fit(ToDataView(ml, encoder, fit.Subset(rest)));
            var scores = model.Transform(ToDataView(ml, encoder, new LabeledTable(fit.Features.Subset(heldOut), new bool[heldOut.Count])))
                .GetColumn<float>("Score").ToArray();
            for (var j = 0; j < heldOut.Count; j++)
            {
                outOfFold[heldOut[j]] = scores[j];
            }
        }

        var mean = anchorValues.Average();
        var (intercept, anchorWeight, treeWeight) = LogisticRegression2(
            [.. anchorValues.Select(a => a - mean)], outOfFold, fit.Labels, WeightsOf(fit));
        return new ModelAnchor(column, mean, intercept, anchorWeight, Math.Max(0, treeWeight),
            BinaryMetrics.Auc(fit.Labels, outOfFold), fit.Positives, fit.RowCount - fit.Positives);
    }

    /// <summary>A fold number per row, each class spread evenly over the folds (seeded).</summary>
    private int[] Folds(LabeledTable data, int count)
    {
        var random = new Random(Options.Seed + 17);
        var folds = new int[data.RowCount];
        foreach (var label in new[] { true, false })
        {
            var rows = Enumerable.Range(0, data.RowCount).Where(i => data.Labels[i] == label).ToArray();
            random.Shuffle(rows);
            for (var j = 0; j < rows.Length; j++)
            {
                folds[rows[j]] = j % count;
            }
        }

        return folds;
    }

    /// <summary>
    /// Weighted logistic regression of the labels on two inputs (Newton steps, a small ridge so separable data stays
    /// finite): returns intercept and the two weights.
    /// </summary>
    internal static (double Intercept, double W1, double W2) LogisticRegression2(
        IReadOnlyList<double> x1, IReadOnlyList<double> x2, IReadOnlyList<bool> labels, IReadOnlyList<double> weights, double ridge = 1e-3)
    {
        var beta = new double[3];
        for (var iteration = 0; iteration < 50; iteration++)
        {
            var g = new double[3];
            var h = new double[3, 3];
            for (var i = 0; i < labels.Count; i++)
            {
                double[] x = [1, x1[i], x2[i]];
                var p = 1 / (1 + Math.Exp(-((beta[0] * x[0]) + (beta[1] * x[1]) + (beta[2] * x[2]))));
                var d = weights[i] * (p - (labels[i] ? 1 : 0));
                var w = weights[i] * p * (1 - p);
                for (var a = 0; a < 3; a++)
                {
                    g[a] += d * x[a];
                    for (var b = 0; b < 3; b++)
                    {
                        h[a, b] += w * x[a] * x[b];
                    }
                }
            }

            for (var a = 1; a < 3; a++)
            {
                g[a] += ridge * beta[a];
                h[a, a] += ridge;
            }

            var step = Solve3(h, g);
            var change = 0.0;
            for (var a = 0; a < 3; a++)
            {
                beta[a] -= step[a];
                change = Math.Max(change, Math.Abs(step[a]));
            }

            if (change < 1e-9)
            {
                break;
            }
        }

        return (beta[0], beta[1], beta[2]);
    }

    private static double[] Solve3(double[,] m, double[] v)
    {
        // Cramer's rule: the system is 3 × 3 and positive definite (the ridge keeps it so).
        static double Det(double[,] a) =>
            (a[0, 0] * ((a[1, 1] * a[2, 2]) - (a[1, 2] * a[2, 1])))
            - (a[0, 1] * ((a[1, 0] * a[2, 2]) - (a[1, 2] * a[2, 0])))
            + (a[0, 2] * ((a[1, 0] * a[2, 1]) - (a[1, 1] * a[2, 0])));
        var det = Det(m);
        var result = new double[3];
        for (var c = 0; c < 3; c++)
        {
            var replaced = (double[,])m.Clone();
            for (var r = 0; r < 3; r++)
            {
                replaced[r, c] = v[r];
            }

            result[c] = Det(replaced) / (det == 0 ? 1e-12 : det);
        }

        return result;
    }

    internal static IDataView ToDataView(MLContext ml, FeatureEncoder encoder, LabeledTable data)
    {
        var vectors = encoder.Encode(data.Features);
        var rows = vectors.Select((v, i) => new EncodedRow
        {
            Features = v,
            Label = data.Labels[i],
            Weight = (float)(data.Weights?[i] ?? 1),
        });
        return ml.Data.LoadFromEnumerable(rows, EncodedRow.Schema(encoder.SlotCount));
    }

    internal static double[] WeightsOf(LabeledTable data) =>
        [.. Enumerable.Range(0, data.RowCount).Select(i => data.Weights?[i] ?? 1)];

    private (List<int> Fit, List<int> Calibration) SplitForCalibration(LabeledTable data)
    {
        var n = data.RowCount;
        if (Options.CalibrationHoldout == CalibrationHoldout.Latest)
        {
            var cut = n - (int)Math.Round(n * Options.CalibrationFraction);
            return ([.. Enumerable.Range(0, cut)], [.. Enumerable.Range(cut, n - cut)]);
        }

        // Stratified: the same share of each class goes to calibration, so rare positives are not all lost to one side.
        var random = new Random(Options.Seed);
        var fitRows = new List<int>();
        var calibrationRows = new List<int>();
        foreach (var label in new[] { true, false })
        {
            var rows = Enumerable.Range(0, n).Where(i => data.Labels[i] == label).ToArray();
            random.Shuffle(rows);
            var take = (int)Math.Round(rows.Length * Options.CalibrationFraction);
            calibrationRows.AddRange(rows.Take(take));
            fitRows.AddRange(rows.Skip(take));
        }

        fitRows.Sort();
        calibrationRows.Sort();
        return (fitRows, calibrationRows);
    }
}

/// <summary>The row type ML.NET sees: the encoded vector, the label and the row weight.</summary>
internal sealed class EncodedRow
{
    public float[] Features { get; set; } = [];

    public bool Label { get; set; }

    public float Weight { get; set; } = 1;

    // The vector width is only known at run time, so the schema is given rather than read from attributes.
    public static SchemaDefinition Schema(int slots)
    {
        var schema = SchemaDefinition.Create(typeof(EncodedRow));
        schema[nameof(Features)].ColumnType = new VectorDataViewType(NumberDataViewType.Single, slots);
        return schema;
    }
}
