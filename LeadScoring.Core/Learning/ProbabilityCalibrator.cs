using System.Text.Json.Serialization;

namespace LeadScoring.Core.Learning;

/// <summary>How raw model scores are turned into probabilities.</summary>
public enum CalibrationMethod
{
    /// <summary>A logistic curve σ(A·score + B): smooth, two parameters, keeps the ranking.</summary>
    Platt,

    /// <summary>A monotone step function (pool-adjacent-violators): no shape assumption, needs more rows, ties scores.</summary>
    Isotonic,
}

/// <summary>A fitted score → probability map (Platt: A, B; isotonic: upper score bound and probability per step).</summary>
internal sealed record ProbabilityCalibrator(
    CalibrationMethod Method,
    double A,
    double B,
    IReadOnlyList<double>? StepUpperScores,
    IReadOnlyList<double>? StepProbabilities)
{
    // Keeps log loss finite when an isotonic step is all one class.
    private const double Floor = 1e-6;

    public double Apply(double score)
    {
        if (Method == CalibrationMethod.Platt)
        {
            return 1 / (1 + Math.Exp(-(A * score + B)));
        }

        var uppers = StepUpperScores!;
        var index = 0;
        var high = uppers.Count - 1;
        while (index < high)
        {
            // First step whose upper bound is at or above the score (binary search).
            var mid = (index + high) / 2;
            if (uppers[mid] >= score) high = mid; else index = mid + 1;
        }

        return Math.Clamp(StepProbabilities![index], Floor, 1 - Floor);
    }

    [JsonIgnore]
    public string Description => Method == CalibrationMethod.Platt
        ? $"Platt σ({A:0.###}·score {(B < 0 ? "−" : "+")} {Math.Abs(B):0.###})"
        : $"isotonic, {StepUpperScores!.Count} steps";

    public static ProbabilityCalibrator Fit(CalibrationMethod method, IReadOnlyList<double> scores, IReadOnlyList<bool> labels, IReadOnlyList<double> weights) =>
        method == CalibrationMethod.Platt ? FitPlatt(scores, labels, weights) : FitIsotonic(scores, labels, weights);

    /// <summary>Platt (1999) with his smoothed targets, fitted by damped Newton steps on the weighted log loss.</summary>
    private static ProbabilityCalibrator FitPlatt(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, IReadOnlyList<double> weights)
    {
        double positives = 0, negatives = 0;
        for (var i = 0; i < labels.Count; i++)
        {
            if (labels[i]) positives += weights[i]; else negatives += weights[i];
        }

        var high = (positives + 1) / (positives + 2);
        var low = 1 / (negatives + 2);
        double a = 1, b = Math.Log((positives + 1) / (negatives + 1));
        var loss = PlattLoss(a, b);
        for (var iteration = 0; iteration < 100; iteration++)
        {
            double ga = 0, gb = 0, haa = 1e-12, hab = 0, hbb = 1e-12;
            for (var i = 0; i < scores.Count; i++)
            {
                var p = Sigmoid(a * scores[i] + b);
                var t = labels[i] ? high : low;
                var d = weights[i] * (p - t);
                var h = weights[i] * p * (1 - p);
                ga += d * scores[i];
                gb += d;
                haa += h * scores[i] * scores[i];
                hab += h * scores[i];
                hbb += h;
            }

            var det = haa * hbb - hab * hab;
            var da = (hbb * ga - hab * gb) / det;
            var db = (haa * gb - hab * ga) / det;
            var step = 1.0;
            double na = a, nb = b, newLoss = loss;
            while (step > 1e-8)
            {
                na = a - step * da;
                nb = b - step * db;
                newLoss = PlattLoss(na, nb);
                if (newLoss <= loss) break;
                step /= 2;
            }

            var converged = Math.Abs(loss - newLoss) < 1e-10 * Math.Max(1, Math.Abs(loss));
            (a, b, loss) = (na, nb, newLoss);
            if (converged) break;
        }

        return new ProbabilityCalibrator(CalibrationMethod.Platt, a, b, null, null);

        double PlattLoss(double pa, double pb)
        {
            double sum = 0;
            for (var i = 0; i < scores.Count; i++)
            {
                var z = pa * scores[i] + pb;
                var t = labels[i] ? high : low;
                // log(1 + e^z) − t·z, written to stay finite for large |z|.
                sum += weights[i] * ((z > 0 ? z + Math.Log(1 + Math.Exp(-z)) : Math.Log(1 + Math.Exp(z))) - t * z);
            }

            return sum;
        }
    }

    private static ProbabilityCalibrator FitIsotonic(IReadOnlyList<double> scores, IReadOnlyList<bool> labels, IReadOnlyList<double> weights)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        var uppers = new List<double>();
        var sums = new List<double>();
        var totals = new List<double>();
        foreach (var i in order)
        {
            uppers.Add(scores[i]);
            sums.Add(labels[i] ? weights[i] : 0);
            totals.Add(weights[i]);
            // Pool adjacent blocks while the sequence of means decreases (or the scores tie).
            while (uppers.Count > 1)
            {
                var last = uppers.Count - 1;
                var tie = uppers[last] == uppers[last - 1];
                if (!tie && sums[last - 1] * totals[last] <= sums[last] * totals[last - 1]) break;
                uppers[last - 1] = uppers[last];
                sums[last - 1] += sums[last];
                totals[last - 1] += totals[last];
                uppers.RemoveAt(last);
                sums.RemoveAt(last);
                totals.RemoveAt(last);
            }
        }

        // Scores above the highest seen fall into the last step.
        uppers[^1] = double.PositiveInfinity;
        var probabilities = sums.Zip(totals, (s, t) => t == 0 ? 0 : s / t).ToList();
        return new ProbabilityCalibrator(CalibrationMethod.Isotonic, 0, 0, uppers, probabilities);
    }

    private static double Sigmoid(double z) => 1 / (1 + Math.Exp(-z));
}
