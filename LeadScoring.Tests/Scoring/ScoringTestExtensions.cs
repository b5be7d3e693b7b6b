using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Scoring;

/// <summary>Small helpers shared by the scoring tests.</summary>
internal static class ScoringTestExtensions
{
    /// <summary>The factor of a component with the given stable name.</summary>
    public static ScoreFactor Factor(this ComponentScore component, string name) =>
        component.Factors.Single(f => f.Name == name);

    /// <summary>A profile loaded the way production loads one (validated and normalized).</summary>
    public static ScoringProfile Profile(string json) => ScoringProfileLoader.Parse(json);
}
