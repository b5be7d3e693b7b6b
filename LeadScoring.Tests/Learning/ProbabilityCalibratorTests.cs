using LeadScoring.Core.Learning;

namespace LeadScoring.Tests.Learning;

public sealed class ProbabilityCalibratorTests
{
    [Test]
    public void Platt_ScoresFromAKnownLogistic_RecoversItsParameters()
    {
        var random = new Random(3);
        var scores = Enumerable.Range(0, 20_000).Select(_ => random.NextDouble() * 6 - 3).ToArray();
        var labels = scores.Select(s => random.NextDouble() < 1 / (1 + Math.Exp(-(2 * s - 1)))).ToArray();

        var platt = ProbabilityCalibrator.Fit(CalibrationMethod.Platt, scores, labels, [.. scores.Select(_ => 1.0)]);

        Assert.That(platt.A, Is.EqualTo(2).Within(0.15));
        Assert.That(platt.B, Is.EqualTo(-1).Within(0.1));
    }

    [Test]
    public void Isotonic_NoisyScores_IsMonotoneAndMatchesBlockRates()
    {
        double[] scores = [1, 2, 3, 4, 5, 6];
        bool[] labels = [false, true, false, true, true, true];

        var isotonic = ProbabilityCalibrator.Fit(CalibrationMethod.Isotonic, scores, labels, [.. scores.Select(_ => 1.0)]);

        // Pool-adjacent-violators: {1} 0, {2,3} ½, {4,5,6} 1.
        var mapped = scores.Select(isotonic.Apply).ToArray();
        Assert.That(mapped, Is.Ordered);
        Assert.That(mapped[0], Is.EqualTo(1e-6));
        Assert.That(mapped[1], Is.EqualTo(0.5));
        Assert.That(mapped[2], Is.EqualTo(0.5));
        Assert.That(isotonic.Apply(100), Is.EqualTo(1 - 1e-6));
    }
}
