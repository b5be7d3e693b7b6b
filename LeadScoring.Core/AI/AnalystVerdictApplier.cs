using LeadScoring.Core.Scoring;

namespace LeadScoring.Core.AI;

/// <summary>
/// Folds the analyst's verdict into a score. Used only when the analyst answered with enough confidence: then its
/// score, fit band and next action stand (close probability follows the score), its reasons lead the explanation and
/// the deterministic components stay for reference. Otherwise the deterministic score stands, marked with the fallback.
/// </summary>
public static class AnalystVerdictApplier
{
    public static LeadScore Apply(LeadScore deterministic, AnalystVerdict verdict, ScoringProfile profile)
    {
        ArgumentNullException.ThrowIfNull(deterministic);
        ArgumentNullException.ThrowIfNull(verdict);
        ArgumentNullException.ThrowIfNull(profile);
        if (!verdict.Used || verdict.Score is not { } score)
        {
            return deterministic with { Analyst = verdict };
        }

        var action = verdict.NextBestAction switch
        {
            "Close" => NextBestAction.Close,
            "Follow-up" => NextBestAction.FollowUp,
            "Nurture" => NextBestAction.Nurture,
            _ => deterministic.NextBestAction,
        };
        var reasons = verdict.Reasons.Take(LeadScorer.MaxReasons)
            .Select(text => new ScoreReason(ScoreComponent.Analyst, "analyst", 0, "AI analyst: " + text))
            .Concat(deterministic.TopReasons)
            .Take(LeadScorer.MaxReasons)
            .ToArray();
        var close = 1 / (1 + Math.Exp(-(score - profile.CloseProbability.Midpoint) / profile.CloseProbability.Scale));
        return deterministic with
        {
            Score = score,
            ExactScore = score,
            Priority = PriorityBands.FromScore(score),
            NextBestAction = action,
            NextBestActionReason = verdict.Reasons.Count > 0 ? "AI analyst: " + verdict.Reasons[0] : deterministic.NextBestActionReason,
            CloseProbability = (int)Math.Round(close * 100, MidpointRounding.AwayFromZero),
            TopReasons = reasons,
            Analyst = verdict,
            ModelVersion = $"{deterministic.ModelVersion}+analyst:{verdict.Model}",
        };
    }
}
