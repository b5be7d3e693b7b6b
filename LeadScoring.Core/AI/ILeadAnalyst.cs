using LeadScoring.Core.Scoring;

namespace LeadScoring.Core.AI;

/// <summary>
/// A second opinion on a scored lead. Never throws for the analyst's own failures (unreachable service, 429, timeout,
/// invalid JSON, low confidence): it returns a verdict with <see cref="AnalystVerdict.Fallback"/> set and the reason,
/// and the deterministic score stands. Only the caller's own cancellation propagates.
/// </summary>
public interface ILeadAnalyst
{
    /// <param name="features">The lead's PII-free features.</param>
    /// <param name="deterministic">The rules-based score of those features.</param>
    /// <param name="neighbours">Hand-classified training records the lead resembles (may be empty).</param>
    Task<AnalystVerdict> AnalyzeAsync(LeadFeatures features, LeadScore deterministic, IReadOnlyList<SimilarRecord> neighbours, CancellationToken cancellationToken = default);
}

/// <summary>The analyst when <c>AZURE_OPENAI_ENDPOINT</c> is not set: always falls back, without any call.</summary>
internal sealed class DisabledLeadAnalyst : ILeadAnalyst
{
    public const string Reason = "analyst off: " + AnalystOptions.EndpointName + " not set";

    private static readonly Task<AnalystVerdict> Verdict = Task.FromResult(AnalystVerdict.Declined(Reason, AnalystVerdict.NoModel));

    public Task<AnalystVerdict> AnalyzeAsync(LeadFeatures features, LeadScore deterministic, IReadOnlyList<SimilarRecord> neighbours, CancellationToken cancellationToken = default) => Verdict;
}
