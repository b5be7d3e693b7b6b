using System.Globalization;

namespace LeadScoring.Core.Learning.Retraining;

/// <summary>What the promotion rules concluded.</summary>
[System.Text.Json.Serialization.JsonConverter(typeof(PromotionVerdictJsonConverter))]
public enum PromotionVerdict
{
    /// <summary>Not worse than the baseline beyond the margin, with 95 % confidence, and calibrated: promoted.</summary>
    NotWorse,

    /// <summary>The whole 95 % interval of the AUC difference is below zero: refused.</summary>
    CrediblyWorse,

    /// <summary>The interval reaches below the margin but not wholly below zero: too noisy to tell; the baseline stays.</summary>
    Inconclusive,

    /// <summary>Ranks well enough, but even after recalibration its probabilities are off by more than chance explains.</summary>
    Miscalibrated,

    /// <summary>
    /// Its training outcomes taught it nothing (out-of-fold AUC within chance): a model that starts from the rules then
    /// ranks as the rules do by luck alone, and is not a learned model.
    /// </summary>
    NoSignal,
}

/// <summary>One time-ordered evaluation fold: the recent outcomes, and what the candidate and the baseline predicted for them.</summary>
public sealed record EvaluationFold(IReadOnlyList<bool> Labels, IReadOnlyList<double> Candidate, IReadOnlyList<double> Baseline);

/// <summary>The candidate's calibration on recent outcomes, before and after the Platt map refitted on them (cross-fitted).</summary>
/// <param name="ChanceBound">The calibration error a perfectly calibrated model exceeds only 5 % of the time on these rows.</param>
public sealed record CalibrationCheck(double EceBefore, double EceAfter, double ChanceBound, int Rows)
{
    /// <summary>Whether the refitted map is kept: only when it calibrates the held-apart rows better than the trained one.</summary>
    public bool Recalibrated => EceAfter < EceBefore;

    /// <summary>The calibration error judged: after recalibration when that is kept, else as trained.</summary>
    public double Judged => Recalibrated ? EceAfter : EceBefore;
}

/// <summary>The decision, the figures behind it, and one plain sentence for the model card.</summary>
public sealed record PromotionDecision(PromotionVerdict Verdict, double AucDifference, MetricInterval Interval, double Margin, string Reason)
{
    public bool Promote => Verdict == PromotionVerdict.NotWorse;
}

/// <summary>
/// The bar a candidate must clear to replace the model in use (or the logistic prior). AUC on a few hundred recent
/// outcomes has a standard error of 0.02–0.03, so two point estimates can't be compared against a small margin: the
/// rules judge the paired difference (same rows for both) over several time-ordered folds, with a bootstrap 95 %
/// interval. Promote when the interval's lower end is above −<see cref="Margin"/> (not worse beyond it, with that
/// confidence) and the recalibrated candidate's calibration error is within <see cref="MaxEce"/> or what chance gives
/// at this size; refuse when the whole interval is below zero (credibly worse); otherwise say it can't tell yet.
/// </summary>
/// <param name="Margin">Non-inferiority margin on the AUC difference.</param>
/// <param name="MaxEce">Calibration error (10 equal-width bins) always accepted, whatever the sample size.</param>
public sealed record PromotionPolicy(double Margin = 0.02, double MaxEce = 0.05, int Resamples = 1000, int Seed = 1)
{
    /// <param name="baselineName">What the candidate is compared with: "model m…" or "the logistic prior".</param>
    /// <param name="anchor">The candidate's start from the rules, with how well its trees ranked their own training outcomes out of fold; null for trees alone.</param>
    public PromotionDecision Decide(IReadOnlyList<EvaluationFold> folds, CalibrationCheck calibration, string baselineName, ModelAnchor? anchor = null)
    {
        ArgumentNullException.ThrowIfNull(folds);
        ArgumentNullException.ThrowIfNull(calibration);
        var (difference, interval) = BinaryMetrics.PairedAucDifference(
            [.. folds.Select(f => (f.Labels, f.Candidate, f.Baseline))], Resamples, 0.95, Seed);
        var rows = folds.Sum(f => f.Labels.Count);
        var vs = Invariant($"AUC difference {difference:+0.000;−0.000;0.000} vs {baselineName} (95 % interval {interval.Low:+0.000;−0.000;0.000} to {interval.High:+0.000;−0.000;0.000}) over {folds.Count} recent fold{(folds.Count == 1 ? "" : "s")} of {rows} outcomes");
        var calibrationLimit = Math.Max(MaxEce, calibration.ChanceBound);
        var calibrated = calibration.Judged <= calibrationLimit;
        var calibrationText = calibration.Recalibrated
            ? Invariant($"calibration error {calibration.EceAfter:0.000} after recalibrating on the {calibration.Rows} most recent outcomes ({calibration.EceBefore:0.000} before; accepted up to {calibrationLimit:0.000})")
            : Invariant($"calibration error {calibration.EceBefore:0.000} on the {calibration.Rows} most recent outcomes as trained (recalibrating there gave {calibration.EceAfter:0.000}, not better; accepted up to {calibrationLimit:0.000})");

        var verdict = anchor is { LearnedFromOutcomes: false } ? PromotionVerdict.NoSignal
            : interval.High < 0 ? PromotionVerdict.CrediblyWorse
            : interval.Low < -Margin ? PromotionVerdict.Inconclusive
            : calibrated ? PromotionVerdict.NotWorse
            : PromotionVerdict.Miscalibrated;
        var reason = verdict switch
        {
            PromotionVerdict.NotWorse => Invariant($"promoted: not worse than {baselineName} beyond {Margin:0.000} with 95 % confidence — {vs}; {calibrationText}"),
            PromotionVerdict.CrediblyWorse => Invariant($"refused: credibly worse than {baselineName} — the whole interval is below zero: {vs}; {baselineName} stays in use"),
            PromotionVerdict.Inconclusive => Invariant($"refused: can't tell yet that it is not worse than {baselineName} by more than {Margin:0.000} — {vs}; {baselineName} stays in use until more outcomes narrow the interval"),
            PromotionVerdict.NoSignal => Invariant($"refused: learned nothing from its {anchor!.Positives + anchor.Negatives} training outcomes — trees trained on the other folds ranked them with out-of-fold AUC {anchor.TreesOutOfFoldAuc:0.000}, within chance (up to {anchor.ChanceLimit:0.000}); it ranks as the rules do by luck ({vs}); {baselineName} stays in use"),
            _ => Invariant($"refused: ranks as well as {baselineName} ({vs}) but its probabilities are off: {calibrationText}; {baselineName} stays in use"),
        };
        return new PromotionDecision(verdict, difference, interval, Margin, reason);
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
