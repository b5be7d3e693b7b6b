using LeadScoring.Core.Scoring;

namespace LeadScoring.Core.Learning.Retraining;

/// <summary>The refit of the component weights and whether it was kept.</summary>
/// <param name="Kept">True when the new weights ranked the held-out leads better than the old ones.</param>
internal sealed record WeightRefit(ComponentWeights Old, ComponentWeights New, double OldHeldOutAuc, double NewHeldOutAuc, bool Kept, string Why);

/// <summary>
/// Refits the Fit/Engagement/Outcome/Recency weights against outcomes: an exhaustive search on a 0.01 grid over
/// weights that are non-negative, sum to 1 and stay within ±band of the defaults, maximising the training rows' AUC of
/// the weighted total. The result is kept only if it also ranks the held-out rows better — so a refit never makes the
/// explainable score worse at what it is for.
/// </summary>
internal static class ComponentWeightFitter
{
    private const int Steps = 100;

    /// <summary>Held-out AUC must improve by at least this much; noise-sized gains are not worth moving the weights.</summary>
    public const double MinimumGain = 0.002;

    public static WeightRefit Fit(
        IReadOnlyList<LabeledExample> training, IReadOnlyList<LabeledExample> heldOut, ComponentWeights defaults, double band)
    {
        ArgumentNullException.ThrowIfNull(training);
        ArgumentNullException.ThrowIfNull(heldOut);
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentOutOfRangeException.ThrowIfNegative(band);

        var best = defaults;
        var bestAuc = Auc(training, defaults);
        var (fitLo, fitHi) = Range(defaults.Fit, band);
        var (engLo, engHi) = Range(defaults.Engagement, band);
        var (outLo, outHi) = Range(defaults.Outcome, band);
        var (recLo, recHi) = Range(defaults.Recency, band);
        for (var f = fitLo; f <= fitHi; f++)
        {
            for (var e = engLo; e <= engHi; e++)
            {
                for (var o = outLo; o <= outHi; o++)
                {
                    var r = Steps - f - e - o;
                    if (r < recLo || r > recHi)
                    {
                        continue;
                    }

                    var candidate = new ComponentWeights(f / (double)Steps, e / (double)Steps, o / (double)Steps, r / (double)Steps);
                    var auc = Auc(training, candidate);
                    if (auc > bestAuc + 1e-12)
                    {
                        (best, bestAuc) = (candidate, auc);
                    }
                }
            }
        }

        var oldHeldOut = Auc(heldOut, defaults);
        var newHeldOut = Auc(heldOut, best);
        var kept = best != defaults && newHeldOut >= oldHeldOut + MinimumGain;
        var why = best == defaults
            ? $"weights unchanged: no weighting within ±{band:0.00} of the current one ranks the training leads better"
            : kept
                ? $"weights refitted: they rank the held-out leads better, AUC {oldHeldOut:0.000} → {newHeldOut:0.000} (+{newHeldOut - oldHeldOut:0.000})"
                : newHeldOut < oldHeldOut
                    ? $"weights unchanged: the refit ranks the training leads better but the held-out leads worse (AUC {oldHeldOut:0.000} → {newHeldOut:0.000})"
                    : $"weights unchanged: the refit's gain on the held-out leads ({newHeldOut - oldHeldOut:+0.0000} AUC) is below the {MinimumGain:0.000} it takes to move them";
        return new WeightRefit(defaults, kept ? best : defaults, oldHeldOut, newHeldOut, kept, why);
    }

    /// <summary>AUC of the weighted component total against the labels (0.5 when one class is missing).</summary>
    public static double Auc(IReadOnlyList<LabeledExample> rows, ComponentWeights w)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(w);
        if (rows.Count == 0 || rows.All(r => r.Label) || rows.All(r => !r.Label))
        {
            return 0.5;
        }

        var scores = rows.Select(r => LeadSnapshotTable.RuleTotal(r.Snapshot, w)).ToList();
        return BinaryMetrics.Auc([.. rows.Select(r => r.Label)], scores);
    }

    private static (int Low, int High) Range(double weight, double band) =>
        ((int)Math.Round(Math.Max(0, weight - band) * Steps), (int)Math.Round(Math.Min(1, weight + band) * Steps));
}
