namespace LeadScoring.Core.Learning.Retraining;

/// <summary>The bar a candidate model must clear to replace the one in use.</summary>
/// <param name="MaxAucDrop">A candidate may rank the recent slice at most this much worse than the model in use.</param>
/// <param name="MaxEce">Largest expected calibration error (10 bins) a promoted model may have.</param>
public sealed record PromotionPolicy(double MaxAucDrop = 0.005, double MaxEce = 0.05)
{
    /// <summary>Whether to promote, and why, in one sentence for the model card.</summary>
    /// <param name="baselineName">What the candidate is compared with: the current model's version, or the logistic prior.</param>
    public (bool Promote, string Reason) Decide(ModelMetrics candidate, double baselineAuc, string baselineName)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        var aucOk = candidate.Auc >= baselineAuc - MaxAucDrop;
        var eceOk = candidate.Ece <= MaxEce;
        var vs = $"AUC {candidate.Auc:0.000} vs {baselineAuc:0.000} for {baselineName} on the most recent slice";
        return (aucOk, eceOk) switch
        {
            (true, true) => (true, $"promoted: {vs}, calibration error {candidate.Ece:0.000} ≤ {MaxEce:0.000}"),
            (false, true) => (false, $"refused: {vs} — worse by more than {MaxAucDrop:0.000}"),
            (true, false) => (false, $"refused: calibration error {candidate.Ece:0.000} > {MaxEce:0.000} ({vs})"),
            _ => (false, $"refused: {vs} — worse by more than {MaxAucDrop:0.000}, and calibration error {candidate.Ece:0.000} > {MaxEce:0.000}"),
        };
    }
}
