using LeadScoring.Core.Learning;

namespace LeadScoring.Tests.Learning;

/// <summary>
/// Leads with a known propensity: logit = −1.5 + 1.5·signal + industry effect + 0.8·demo, plus a pure-noise column;
/// a tenth of the signal values and industries are missing.
/// </summary>
internal static class SyntheticLeads
{
    public static (LabeledTable Data, double[] TrueProbabilities) Create(int rows, int seed)
    {
        var random = new Random(seed);
        var signal = new double?[rows];
        var noise = new double[rows];
        var industry = new string?[rows];
        var demo = new bool?[rows];
        var labels = new bool[rows];
        var truth = new double[rows];
        string[] industries = ["software", "retail", "banking"];
        double[] effects = [0.8, -0.6, 0.0];
        for (var i = 0; i < rows; i++)
        {
            var x = Gaussian(random);
            var k = random.Next(industries.Length);
            var d = random.NextDouble() < 0.3;
            var logit = -1.5 + 1.5 * x + effects[k] + (d ? 0.8 : 0);
            truth[i] = 1 / (1 + Math.Exp(-logit));
            labels[i] = random.NextDouble() < truth[i];
            signal[i] = random.NextDouble() < 0.1 ? null : x;
            industry[i] = random.NextDouble() < 0.1 ? null : industries[k];
            demo[i] = d;
            noise[i] = Gaussian(random);
        }

        var table = new FeatureTable([
            FeatureColumn.Numeric("signal", signal),
            FeatureColumn.Categorical("industry", industry),
            FeatureColumn.Boolean("demo", demo),
            FeatureColumn.Numeric("noise", noise),
        ]);
        return (new LabeledTable(table, labels), truth);
    }

    /// <summary>A learner small enough for tests (a second or so per model).</summary>
    public static TabularLearner FastLearner(CalibrationMethod calibration = CalibrationMethod.Platt) =>
        new(new LearnerOptions { NumberOfTrees = 150, LearningRate = 0.05, MinimumRowsPerLeaf = 30, Calibration = calibration });

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
