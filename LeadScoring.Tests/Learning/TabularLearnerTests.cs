using LeadScoring.Core.Learning;

namespace LeadScoring.Tests.Learning;

public sealed class TabularLearnerTests
{
    private LabeledTable _train = null!;
    private LabeledTable _test = null!;
    private double[] _testTruth = null!;
    private TrainedModel _model = null!;

    [OneTimeSetUp]
    public void TrainOnce()
    {
        // 3,000 test rows: on fewer, ECE's own sampling noise nears the 0.05 bar.
        var (data, truth) = SyntheticLeads.Create(7_000, seed: 7);
        var trainRows = Enumerable.Range(0, 4_000).ToList();
        var testRows = Enumerable.Range(4_000, 3_000).ToList();
        _train = data.Subset(trainRows);
        _test = data.Subset(testRows);
        _testTruth = [.. testRows.Select(r => truth[r])];
        _model = SyntheticLeads.FastLearner().Train(_train);
    }

    [Test]
    public void Train_SyntheticSignal_RanksNearlyAsWellAsTheTrueProbabilities()
    {
        var predicted = _model.PredictProbabilities(_test.Features);

        var auc = BinaryMetrics.Auc(_test.Labels, predicted);
        var oracle = BinaryMetrics.Auc(_test.Labels, _testTruth);
        // The oracle also knows the signal and industry values hidden as missing in a tenth of the rows.
        Assert.That(auc, Is.GreaterThan(0.78));
        Assert.That(auc, Is.GreaterThan(oracle - 0.05), $"oracle AUC {oracle:0.000}");
    }

    [Test]
    public void Train_SyntheticSignal_IsCalibrated()
    {
        var predicted = _model.PredictProbabilities(_test.Features);

        var (ece, _) = BinaryMetrics.Calibration(_test.Labels, predicted);
        Assert.That(ece, Is.LessThan(0.05));
        Assert.That(predicted.Average(), Is.EqualTo(_test.Labels.Count(l => l) / (double)_test.RowCount).Within(0.03));
    }

    [Test]
    public void Train_Isotonic_IsCalibratedAndKeepsTheRanking()
    {
        var model = SyntheticLeads.FastLearner(CalibrationMethod.Isotonic).Train(_train);

        var predicted = model.PredictProbabilities(_test.Features);

        Assert.That(BinaryMetrics.Calibration(_test.Labels, predicted).Ece, Is.LessThan(0.05));
        Assert.That(BinaryMetrics.Auc(_test.Labels, predicted), Is.GreaterThan(0.75));
        Assert.That(model.Info.Calibration, Does.StartWith("isotonic"));
        using var stream = new MemoryStream();
        model.Save(stream);
        stream.Position = 0;
        Assert.That(TrainedModel.Load(stream).PredictProbabilities(_test.Features), Is.EqualTo(predicted), "the last step ends at +∞, which must survive JSON");
    }

    [Test]
    public void SaveAndLoad_RoundTrip_GivesIdenticalPredictionsAndReasons()
    {
        using var stream = new MemoryStream();
        _model.Save(stream);
        stream.Position = 0;

        var loaded = TrainedModel.Load(stream);

        Assert.That(loaded.PredictProbabilities(_test.Features), Is.EqualTo(_model.PredictProbabilities(_test.Features)));
        var before = _model.Explain(_test.Features.Subset([0, 1, 2]));
        var after = loaded.Explain(_test.Features.Subset([0, 1, 2]));
        Assert.That(after.SelectMany(p => p.Contributions), Is.EqualTo(before.SelectMany(p => p.Contributions)));
        Assert.That(loaded.Info.Columns.Select(c => c.Name), Is.EqualTo(new[] { "signal", "industry", "demo", "noise" }));
        Assert.That(loaded.Info.TrainingRows + loaded.Info.CalibrationRows, Is.EqualTo(4_000));
    }

    [Test]
    public void Load_NotAModel_ThrowsInvalidData()
    {
        using var stream = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(stream, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            archive.CreateEntry("something-else.txt");
        }

        stream.Position = 0;

        Assert.That(() => TrainedModel.Load(stream), Throws.InstanceOf<InvalidDataException>());
    }

    [Test]
    public void Explain_SignalColumn_PushesHighValuesUpAndLowValuesDown()
    {
        var signal = _test.Features.Find("signal")!;
        var explained = _model.Explain(_test.Features);

        var high = Enumerable.Range(0, _test.RowCount).Where(r => signal.Number(r) > 1.5).ToList();
        var low = Enumerable.Range(0, _test.RowCount).Where(r => signal.Number(r) < -1.5).ToList();
        Assert.That(high, Is.Not.Empty);
        Assert.That(low, Is.Not.Empty);
        Assert.That(high.Average(r => Contribution(explained[r], "signal")), Is.GreaterThan(0.5));
        Assert.That(low.Average(r => Contribution(explained[r], "signal")), Is.LessThan(-0.5));
        Assert.That(high.Count(r => Contribution(explained[r], "signal") > 0), Is.GreaterThan(high.Count * 0.9));
        Assert.That(low.Count(r => Contribution(explained[r], "signal") < 0), Is.GreaterThan(low.Count * 0.9));
    }

    [Test]
    public void Explain_NoiseColumn_WeighsFarLessThanTheSignal()
    {
        var explained = _model.Explain(_test.Features);

        var signal = explained.Average(p => Math.Abs(Contribution(p, "signal")));
        var noise = explained.Average(p => Math.Abs(Contribution(p, "noise")));
        Assert.That(noise, Is.LessThan(signal / 2));
        var topReasons = explained.GroupBy(p => p.TopReasons(1).Single().Column).OrderByDescending(g => g.Count()).ToList();
        Assert.That(topReasons[0].Key, Is.EqualTo("signal"));
    }

    [Test]
    public void Explain_ContributionsSum_MovesWithTheScore()
    {
        var explained = _model.Explain(_test.Features);

        // Not exactly additive (tree-path attributions), but the total must order rows almost as the score does.
        var sums = explained.Select(p => p.Contributions.Sum(c => c.Contribution)).ToArray();
        var higherScore = explained.Select(p => p.Score > explained.Average(q => q.Score)).ToArray();
        Assert.That(BinaryMetrics.Auc(higherScore, sums), Is.GreaterThan(0.9));
        Assert.That(explained.Select(p => p.Probability), Is.EqualTo(_model.PredictProbabilities(_test.Features)).Within(1e-12));
    }

    [Test]
    public void Predict_MissingAndUnseenValues_StillScores()
    {
        var table = new FeatureTable([
            FeatureColumn.Numeric("signal", [null, 0.5]),
            FeatureColumn.Categorical("industry", [null, "never-seen-before"]),
            FeatureColumn.Boolean("demo", [null, true]),
            FeatureColumn.Numeric("noise", [double.NaN, 0]),
        ]);

        var predicted = _model.PredictProbabilities(table);

        Assert.That(predicted, Has.All.InRange(0.0, 1.0));
        Assert.That(_model.Explain(table)[0].Contributions.Single(c => c.Column == "industry").Value, Is.EqualTo(""));
    }

    [Test]
    public void Predict_TrainedColumnMissing_NamesIt()
    {
        var table = _test.Features.Without(["industry"]);

        Assert.That(() => _model.PredictProbabilities(table), Throws.ArgumentException.With.Message.Contains("'industry'"));
    }

    [Test]
    public void Train_OneClassOnly_Refuses()
    {
        var negatives = Enumerable.Range(0, _train.RowCount).Where(r => !_train.Labels[r]).ToList();

        Assert.That(() => SyntheticLeads.FastLearner().Train(_train.Subset(negatives)), Throws.ArgumentException.With.Message.Contains("one class"));
    }

    [Test]
    public void Train_WeightedRows_CountMore()
    {
        // Doubling the weight of every positive must raise the average predicted probability.
        var weights = _train.Labels.Select(l => l ? 2.0 : 1.0).ToArray();
        var weighted = SyntheticLeads.FastLearner().Train(new LabeledTable(_train.Features, _train.Labels, weights));

        Assert.That(weighted.PredictProbabilities(_test.Features).Average(), Is.GreaterThan(_model.PredictProbabilities(_test.Features).Average() + 0.03));
    }

    private static double Contribution(ExplainedPrediction prediction, string column) =>
        prediction.Contributions.Single(c => c.Column == column).Contribution;
}
