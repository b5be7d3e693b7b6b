using LeadScoring.Core.Learning;

namespace LeadScoring.Tests.Learning;

/// <summary>
/// A learner that starts from a column which already ranks well (the rules' total): with little data it must not fall
/// below that column, and with signal the column misses it must add to it.
/// </summary>
public sealed class AnchoredLearnerTests
{
    private static readonly LearnerOptions Small = new()
    {
        NumberOfTrees = 100,
        LearningRate = 0.05,
        NumberOfLeaves = 4,
        MinimumRowsPerLeaf = 20,
        MinimumCategoryCount = 2,
        AnchorColumn = "rules",
    };

    [Test]
    public void Train_FewRowsAndOnlyNoiseBeyondTheAnchor_RanksAtLeastAsWellAsTheAnchor()
    {
        var train = Leads(400, seed: 3, industryEffect: 0);
        var test = Leads(5_000, seed: 4, industryEffect: 0);

        var anchored = new TabularLearner(Small).Train(train).PredictProbabilities(test.Features);
        var trees = new TabularLearner(Small with { AnchorColumn = null }).Train(train).PredictProbabilities(test.Features);

        var anchorAuc = BinaryMetrics.Auc(test.Labels, Column(test, "rules"));
        var anchoredAuc = BinaryMetrics.Auc(test.Labels, anchored);
        Assert.That(anchoredAuc, Is.GreaterThan(anchorAuc - 0.01), $"anchor alone {anchorAuc:0.000}");
        Assert.That(anchoredAuc, Is.GreaterThan(BinaryMetrics.Auc(test.Labels, trees)), "trees alone on 400 rows approximate the anchor in steps");
    }

    [Test]
    public void Train_SignalTheAnchorMisses_TreesAddIt()
    {
        var train = Leads(3_000, seed: 5, industryEffect: 1.2);
        var test = Leads(5_000, seed: 6, industryEffect: 1.2);

        var model = new TabularLearner(Small).Train(train);

        var anchorAuc = BinaryMetrics.Auc(test.Labels, Column(test, "rules"));
        Assert.That(BinaryMetrics.Auc(test.Labels, model.PredictProbabilities(test.Features)), Is.GreaterThan(anchorAuc + 0.02));
        Assert.That(model.Anchor!.TreeWeight, Is.GreaterThan(0.2));
        Assert.That(model.Anchor.AnchorWeight, Is.GreaterThan(0));
    }

    [Test]
    public void SaveAndLoad_AnchoredModel_PredictsTheSame()
    {
        var train = Leads(600, seed: 7, industryEffect: 1);
        var model = new TabularLearner(Small).Train(train);
        using var file = new MemoryStream();
        model.Save(file);
        file.Position = 0;

        var loaded = TrainedModel.Load(file);

        Assert.That(loaded.Anchor, Is.EqualTo(model.Anchor));
        Assert.That(loaded.PredictProbabilities(train.Features), Is.EqualTo(model.PredictProbabilities(train.Features)).Within(1e-9));
    }

    [Test]
    public void Explain_AnchorColumn_PushesHighRuleTotalsUpAndLowOnesDown()
    {
        var train = Leads(800, seed: 8, industryEffect: 0);
        var model = new TabularLearner(Small).Train(train);
        var rules = train.Features.Find("rules")!;
        var high = Enumerable.Range(0, train.RowCount).MaxBy(rules.Number);
        var low = Enumerable.Range(0, train.RowCount).MinBy(rules.Number);

        var explained = model.Explain(train.Features.Subset([high, low]));

        Assert.That(explained[0].Contributions.Single(c => c.Column == "rules").Contribution, Is.GreaterThan(0));
        Assert.That(explained[1].Contributions.Single(c => c.Column == "rules").Contribution, Is.LessThan(0));
        Assert.That(explained[0].Probability, Is.GreaterThan(explained[1].Probability));
    }

    [Test]
    public void Train_AnchorColumnAbsent_NamesTheColumnAndTheSetting()
    {
        var train = Leads(400, seed: 9, industryEffect: 0);

        Assert.That(() => new TabularLearner(Small with { AnchorColumn = "ruleTotal" }).Train(train),
            Throws.ArgumentException.With.Message.Contains("'ruleTotal'").And.Message.Contains(nameof(LearnerOptions.AnchorColumn)));
    }

    [Test]
    public void Train_AnchorColumnCategorical_NamesTheColumnAndTheSetting()
    {
        var train = Leads(400, seed: 9, industryEffect: 0);

        Assert.That(() => new TabularLearner(Small with { AnchorColumn = "industry" }).Train(train),
            Throws.ArgumentException.With.Message.Contains("'industry'").And.Message.Contains("numeric"));
    }

    [Test]
    public void Train_AnchorColumnWithMissingValues_NamesTheColumn()
    {
        var train = Leads(400, seed: 9, industryEffect: 0);
        var rules = train.Features.Find("rules")!;
        var withGap = new FeatureTable(train.Features.Columns.Select(c => c.Name != "rules" ? c
            : FeatureColumn.Numeric("rules", Enumerable.Range(0, train.RowCount).Select(r => r == 5 ? (double?)null : rules.Number(r)))));

        Assert.That(() => new TabularLearner(Small).Train(new LabeledTable(withGap, train.Labels)),
            Throws.ArgumentException.With.Message.Contains("'rules'").And.Message.Contains("missing"));
    }

    [Test]
    public void Predict_TableWithoutTheAnchor_NamesIt()
    {
        var train = Leads(400, seed: 10, industryEffect: 0);
        var model = new TabularLearner(Small).Train(train);

        Assert.That(() => model.PredictProbabilities(train.Features.Without(["rules"])), Throws.ArgumentException.With.Message.Contains("'rules'"));
    }

    [Test]
    public void LogisticRegression2_KnownCoefficients_AreRecovered()
    {
        var random = new Random(11);
        var x1 = new double[20_000];
        var x2 = new double[20_000];
        var labels = new bool[20_000];
        for (var i = 0; i < labels.Length; i++)
        {
            x1[i] = (random.NextDouble() * 4) - 2;
            x2[i] = (random.NextDouble() * 4) - 2;
            labels[i] = random.NextDouble() < 1 / (1 + Math.Exp(-(-0.5 + (1.5 * x1[i]) - (0.8 * x2[i]))));
        }

        var (intercept, w1, w2) = TabularLearner.LogisticRegression2(x1, x2, labels, [.. Enumerable.Repeat(1.0, labels.Length)]);

        Assert.That(intercept, Is.EqualTo(-0.5).Within(0.08));
        Assert.That(w1, Is.EqualTo(1.5).Within(0.08));
        Assert.That(w2, Is.EqualTo(-0.8).Within(0.08));
    }

    /// <summary>
    /// Leads whose log-odds are the rules' view plus an industry effect the rules miss: "rules" is the rule total
    /// (0–100, monotone in the rules' log-odds), "industry" carries the missed effect, "noise" nothing.
    /// </summary>
    private static LabeledTable Leads(int rows, int seed, double industryEffect)
    {
        var random = new Random(seed);
        string[] industries = ["software", "retail", "banking", "energy"];
        double[] effects = [1, -1, 0.5, -0.5];
        var rules = new double[rows];
        var industry = new string?[rows];
        var noise = new double[rows];
        var labels = new bool[rows];
        for (var i = 0; i < rows; i++)
        {
            var view = Gaussian(random);
            var k = random.Next(industries.Length);
            rules[i] = 50 + (15 * view);
            industry[i] = industries[k];
            noise[i] = Gaussian(random);
            labels[i] = random.NextDouble() < 1 / (1 + Math.Exp(-(-1.8 + (1.4 * view) + (industryEffect * effects[k]))));
        }

        return new LabeledTable(new FeatureTable([
            FeatureColumn.Numeric("rules", rules),
            FeatureColumn.Categorical("industry", industry),
            FeatureColumn.Numeric("noise", noise),
        ]), labels);
    }

    private static double[] Column(LabeledTable data, string name)
    {
        var column = data.Features.Find(name)!;
        return [.. Enumerable.Range(0, data.RowCount).Select(column.Number)];
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
