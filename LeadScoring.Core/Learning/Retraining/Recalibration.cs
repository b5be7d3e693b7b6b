namespace LeadScoring.Core.Learning.Retraining;

/// <summary>
/// Refits a candidate's score → probability map on the most recent outcomes before its calibration is judged: a
/// candidate trained on older rows meets a recent base rate that may have doubled, which shifts its probabilities
/// without touching its ranking. Platt (two parameters) because a recent fold has a few hundred rows. Judged
/// cross-fitted — the map fitted on every other row is scored on the rows between, and the other way round — so the
/// check never grades a map on the rows it was fitted to.
/// </summary>
internal static class Recalibration
{
    private const int Bins = 10;

    /// <summary>The Platt map fitted on all the rows; null when it would reverse the ranking (a candidate that learned the opposite).</summary>
    public static ProbabilityCalibrator? Fit(IReadOnlyList<double> rawScores, IReadOnlyList<bool> labels)
    {
        var calibrator = ProbabilityCalibrator.Fit(CalibrationMethod.Platt, rawScores, labels, Ones(labels.Count));
        return calibrator.A > 0 ? calibrator : null;
    }

    public static CalibrationCheck Check(IReadOnlyList<double> rawScores, IReadOnlyList<double> probabilities, IReadOnlyList<bool> labels)
    {
        ArgumentNullException.ThrowIfNull(rawScores);
        ArgumentNullException.ThrowIfNull(probabilities);
        ArgumentNullException.ThrowIfNull(labels);
        var crossFitted = CrossFitted(rawScores, labels);
        return new CalibrationCheck(
            BinaryMetrics.Calibration(labels, probabilities).Ece,
            BinaryMetrics.Calibration(labels, crossFitted).Ece,
            ChanceBound(crossFitted),
            labels.Count);
    }

    /// <summary>Each row's probability from the Platt map fitted on the other half (even rows ↔ odd rows, in time order).</summary>
    public static double[] CrossFitted(IReadOnlyList<double> rawScores, IReadOnlyList<bool> labels)
    {
        var result = new double[labels.Count];
        for (var half = 0; half < 2; half++)
        {
            var fitRows = Enumerable.Range(0, labels.Count).Where(i => i % 2 != half).ToArray();
            var calibrator = ProbabilityCalibrator.Fit(CalibrationMethod.Platt, [.. fitRows.Select(i => rawScores[i])], [.. fitRows.Select(i => labels[i])], Ones(fitRows.Length));
            for (var i = half; i < labels.Count; i += 2)
            {
                result[i] = calibrator.Apply(rawScores[i]);
            }
        }

        return result;
    }

    /// <summary>
    /// The calibration error a perfectly calibrated model with these predictions exceeds only 5 % of the time: labels
    /// drawn from the predictions themselves, 200 times (seeded), and the 95th percentile of their error.
    /// </summary>
    public static double ChanceBound(IReadOnlyList<double> probabilities, int draws = 200, int seed = 1)
    {
        ArgumentNullException.ThrowIfNull(probabilities);
        if (probabilities.Count == 0)
        {
            return 1;
        }

        var random = new Random(seed);
        var labels = new bool[probabilities.Count];
        var errors = new double[draws];
        for (var d = 0; d < draws; d++)
        {
            for (var i = 0; i < labels.Length; i++)
            {
                labels[i] = random.NextDouble() < probabilities[i];
            }

            errors[d] = BinaryMetrics.Calibration(labels, probabilities, Bins).Ece;
        }

        Array.Sort(errors);
        return errors[(int)Math.Ceiling(0.95 * draws) - 1];
    }

    private static double[] Ones(int count) => [.. Enumerable.Repeat(1.0, count)];
}
