using System.Globalization;

namespace LeadScoring.Core.Scoring;

/// <summary>
/// Scores a lead: the four components weighted by the profile, the priority band, a close probability,
/// the next best action and the reasons behind it. Pure apart from reading the clock when a lead has no AsOf.
/// </summary>
public sealed class LeadScorer
{
    /// <summary>Version of the scoring rules; bump when a factor or curve changes meaning.</summary>
    public const string RulesVersion = "rules-1";

    /// <summary>Name of the close-probability source until a learned model replaces it.</summary>
    public const string LogisticPriorSource = "logistic-prior";

    /// <summary>At most this many reasons are reported; factors moving the total by less than MinReasonImpact are left out.</summary>
    public const int MaxReasons = 5;

    public const double MinReasonImpact = 0.5;

    private readonly TimeProvider _clock;
    private readonly ICloseProbabilityModel? _learned;

    /// <param name="learned">The learned close-probability model and weights, when retraining promoted one.</param>
    public LeadScorer(ScoringProfile profile, TimeProvider clock, ICloseProbabilityModel? learned = null)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(clock);
        // Normalising here too makes lookups case-insensitive for profiles built in code, not only loaded ones.
        Profile = profile.Normalized();
        _clock = clock;
        _learned = learned;
        ModelVersion = $"{RulesVersion}/{profile.Name}@{profile.Version}";
    }

    public ScoringProfile Profile { get; }

    public string ModelVersion { get; }

    /// <param name="similar">Training records the lead resembles (nearest first), from the vector index; null or empty when none.</param>
    public LeadScore Score(LeadFeatures lead, IReadOnlyList<SimilarRecord>? similar = null)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var now = _clock.GetUtcNow();
        var asOf = lead.AsOf ?? now;
        var components = new ComponentScores(
            FitComponent.Score(lead, Profile),
            EngagementComponent.Score(lead, Profile),
            OutcomeComponent.Score(lead, Profile),
            RecencyComponent.Score(lead, Profile, asOf));

        var w = _learned?.Weights ?? Profile.Weights;
        var exact = Math.Clamp(
            (w.Fit * components.Fit.Score) + (w.Engagement * components.Engagement.Score)
            + (w.Outcome * components.Outcome.Score) + (w.Recency * components.Recency.Score), 0, 100);
        var evidence = similar is { Count: > 0 } ? Blend(similar, exact, Profile.Similarity) : null;
        if (evidence is not null)
        {
            exact = Math.Clamp(((1 - evidence.Weight) * exact) + (evidence.Weight * evidence.Score), 0, 100);
        }

        var score = (int)Math.Round(exact, MidpointRounding.AwayFromZero);
        var priority = PriorityBands.FromScore(score);
        var confidence = (w.Fit * components.Fit.Confidence) + (w.Engagement * components.Engagement.Confidence)
            + (w.Outcome * components.Outcome.Confidence) + (w.Recency * components.Recency.Confidence);
        var learned = _learned?.Estimate(lead, components, asOf);
        var close = learned?.Probability ?? Curves.Logistic(exact, Profile.CloseProbability.Midpoint, Profile.CloseProbability.Scale);
        var (action, actionReason) = NextBestActionRules.Decide(priority, lead, asOf, Profile.NextBestAction);

        return new LeadScore
        {
            ContactId = lead.ContactId,
            Score = score,
            ExactScore = Math.Round(exact, 2),
            Priority = priority,
            CloseProbability = (int)Math.Round(close * 100, MidpointRounding.AwayFromZero),
            CloseProbabilitySource = learned is null ? LogisticPriorSource : $"model {learned.ModelVersion}",
            CloseModel = learned,
            NextBestAction = action,
            NextBestActionReason = actionReason,
            Confidence = Math.Round(Math.Clamp(confidence, 0, 1), 3),
            TopReasons = evidence is null ? TopReasons(components, w) : WithSimilarityReason(TopReasons(components, w), evidence),
            Similarity = evidence,
            MissingData = MissingData(components),
            Components = components,
            Weights = w,
            ModelVersion = learned is null ? ModelVersion : $"{ModelVersion}+{learned.ModelVersion}",
            ScoredAt = now,
            BandNote = learned is null ? null : BandNote(priority, score, close, learned),
        };
    }

    /// <summary>
    /// A sentence when the learned close probability sits in another band than the score (as the prior maps bands to
    /// probabilities): the score is the rules' weighting, the probability what leads like this one did — a rep seeing
    /// "Medium (72)" next to "76 %" deserves to know why both are right.
    /// </summary>
    internal string? BandNote(Priority priority, int score, double close, LearnedCloseProbability learned)
    {
        var curve = Profile.CloseProbability;
        var highFrom = Curves.Logistic(PriorityBands.HighFrom, curve.Midpoint, curve.Scale);
        var mediumFrom = Curves.Logistic(PriorityBands.MediumFrom, curve.Midpoint, curve.Scale);
        var probabilityBand = close >= highFrom ? Priority.High : close >= mediumFrom ? Priority.Medium : Priority.Low;
        if (probabilityBand == priority)
        {
            return null;
        }

        var direction = probabilityBand > priority ? "higher" : "lower";
        var driver = learned.Contributions.Count > 0 ? $", mostly because of {learned.Contributions[0].Feature} = {learned.Contributions[0].Value}" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"The close probability ({close:0%}) is {direction} than a {priority} score ({score}) usually means: it comes from how leads like this one closed (model {learned.ModelVersion}{driver}), while the score weighs fit, engagement, outcome and recency as the rules do.");
    }

    /// <summary>
    /// The look-alikes' verdict: the similarity-weighted mean of their scores, weighted in the total by the profile's
    /// weight times their mean similarity. Neighbours below the minimum similarity are ignored; none left → null.
    /// </summary>
    internal static SimilarityEvidence? Blend(IReadOnlyList<SimilarRecord> similar, double componentScore, SimilarityProfile profile)
    {
        double weighted = 0, total = 0;
        var used = 0;
        for (var i = 0; i < similar.Count && used < profile.Neighbours; i++)
        {
            if (similar[i].Similarity >= profile.MinSimilarity)
            {
                weighted += similar[i].Similarity * similar[i].Score;
                total += similar[i].Similarity;
                used++;
            }
        }

        if (used == 0)
        {
            return null;
        }

        var neighbours = new SimilarRecord[used];
        for (int i = 0, j = 0; i < similar.Count && j < used; i++)
        {
            if (similar[i].Similarity >= profile.MinSimilarity)
            {
                neighbours[j++] = similar[i];
            }
        }

        return new SimilarityEvidence(Math.Round(weighted / total, 2), Math.Round(profile.Weight * (total / used), 3), Math.Round(componentScore, 2), neighbours);
    }

    private static ScoreReason[] WithSimilarityReason(ScoreReason[] reasons, SimilarityEvidence evidence)
    {
        var ideal = evidence.Neighbours.Count(n => n.Classification == "Ideal");
        var other = evidence.Neighbours.Count - ideal;
        var similarity = evidence.Neighbours.Average(n => n.Similarity);
        var text = (ideal, other) switch
        {
            (> 0, 0) => string.Create(CultureInfo.InvariantCulture, $"Looks like {ideal} Ideal training record{(ideal == 1 ? "" : "s")} ({similarity:0%} similar on average)"),
            (0, > 0) => string.Create(CultureInfo.InvariantCulture, $"Looks like {other} Less Ideal training record{(other == 1 ? "" : "s")} ({similarity:0%} similar on average)"),
            _ => string.Create(CultureInfo.InvariantCulture, $"Resembles {ideal} Ideal and {other} Less Ideal training records ({similarity:0%} similar on average)"),
        };
        var reason = new ScoreReason(ScoreComponent.Similarity, "similarity", Math.Round(evidence.Weight * (evidence.Score - evidence.ComponentScore), 1), text);
        // Always cited, even when its impact is small: "looks like these Ideal customers" is what reps ask for.
        return [.. reasons.Take(MaxReasons - 1).Append(reason).OrderByDescending(r => Math.Abs(r.Impact))];
    }

    /// <summary>The factors that moved the total most (by |impact|), without LINQ or temporary lists.</summary>
    public static ScoreReason[] TopReasons(ComponentScores components, ComponentWeights weights)
    {
        Span<double> impacts = stackalloc double[MaxReasons];
        Span<(int Component, int Factor)> picks = stackalloc (int, int)[MaxReasons];
        var count = 0;
        for (var c = 0; c < 4; c++)
        {
            var component = components[(ScoreComponent)c];
            var factors = component.Factors;
            for (var f = 0; f < factors.Count; f++)
            {
                var impact = weights[(ScoreComponent)c] * factors[f].ImpactOn(component.Prior);
                var magnitude = Math.Abs(impact);
                if (magnitude < MinReasonImpact || (count == MaxReasons && magnitude <= Math.Abs(impacts[count - 1])))
                {
                    continue;
                }

                // Insertion into a small list kept sorted by |impact|, largest first.
                var at = Math.Min(count, MaxReasons - 1);
                while (at > 0 && Math.Abs(impacts[at - 1]) < magnitude)
                {
                    impacts[at] = impacts[at - 1];
                    picks[at] = picks[at - 1];
                    at--;
                }

                impacts[at] = impact;
                picks[at] = (c, f);
                count = Math.Min(count + 1, MaxReasons);
            }
        }

        var reasons = new ScoreReason[count];
        for (var i = 0; i < count; i++)
        {
            var kind = (ScoreComponent)picks[i].Component;
            var factor = components[kind].Factors[picks[i].Factor];
            reasons[i] = new ScoreReason(kind, factor.Name, Math.Round(impacts[i], 1), factor.Reason);
        }

        return reasons;
    }

    private static string[] MissingData(ComponentScores components)
    {
        // Indexed loops: foreach over IReadOnlyList would allocate an enumerator per component.
        var missing = 0;
        for (var c = 0; c < 4; c++)
        {
            var factors = components[(ScoreComponent)c].Factors;
            for (var f = 0; f < factors.Count; f++)
            {
                missing += factors[f].Points is null ? 1 : 0;
            }
        }

        if (missing == 0)
        {
            return [];
        }

        var names = new string[missing];
        var i = 0;
        for (var c = 0; c < 4; c++)
        {
            var factors = components[(ScoreComponent)c].Factors;
            for (var f = 0; f < factors.Count; f++)
            {
                if (factors[f].Points is null)
                {
                    names[i++] = factors[f].Name;
                }
            }
        }

        return names;
    }
}
