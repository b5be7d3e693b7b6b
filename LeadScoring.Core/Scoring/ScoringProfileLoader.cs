using System.Text.Json;

namespace LeadScoring.Core.Scoring;

/// <summary>Reads a <see cref="ScoringProfile"/> from JSON and refuses anything it cannot score with.</summary>
internal static class ScoringProfileLoader
{
    /// <exception cref="InputValidationException">The JSON is malformed or a value is out of range; every problem is named.</exception>
    public static ScoringProfile Parse(string json)
    {
        ScoringProfile? profile;
        try
        {
            profile = JsonSerializer.Deserialize(json, ScoringProfileJsonContext.Default.ScoringProfile);
        }
        catch (JsonException ex)
        {
            throw new InputValidationException("Scoring profile", [new ValidationError(JsonErrors.FieldOf(ex), JsonErrors.Describe(ex))]);
        }

        if (profile is null)
        {
            throw new InputValidationException("Scoring profile", [new ValidationError("$", "the profile must be a JSON object, not null")]);
        }

        var errors = ScoringProfileValidator.Validate(profile);
        return errors.Count > 0 ? throw new InputValidationException("Scoring profile", errors) : profile.Normalized();
    }

    /// <exception cref="InputValidationException">The file is missing, unreadable or invalid.</exception>
    public static async Task<ScoringProfile> LoadFileAsync(string path, CancellationToken cancellationToken = default)
    {
        string json;
        try
        {
            json = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InputValidationException("Scoring profile", [new ValidationError(path, $"cannot be read: {ex.Message}")]);
        }

        return Parse(json);
    }
}

/// <summary>Checks a profile's values; returns every problem with its JSON path.</summary>
internal static class ScoringProfileValidator
{
    private const double WeightSumTolerance = 1e-6;

    public static IReadOnlyList<ValidationError> Validate(ScoringProfile profile)
    {
        var errors = new List<ValidationError>();
        CheckName(errors, "name", profile.Name);
        CheckName(errors, "version", profile.Version);
        CheckScore(errors, "unknownDataScore", profile.UnknownDataScore);

        if (Require(errors, "weights", profile.Weights) is { } w)
        {
            CheckRange(errors, "weights.fit", w.Fit, 0, 1);
            CheckRange(errors, "weights.engagement", w.Engagement, 0, 1);
            CheckRange(errors, "weights.outcome", w.Outcome, 0, 1);
            CheckRange(errors, "weights.recency", w.Recency, 0, 1);
            var sum = w.Fit + w.Engagement + w.Outcome + w.Recency;
            if (double.IsFinite(sum) && Math.Abs(sum - 1) > WeightSumTolerance)
            {
                errors.Add(new("weights", $"must sum to 1 (they sum to {sum:0.######})"));
            }
        }

        if (Require(errors, "fit", profile.Fit) is { } fit)
        {
            CheckMap(errors, "fit.industries", fit.Industries, Vocabulary.Industries.Contains, "a HubSpot industry code such as COMPUTER_SOFTWARE");
            CheckScore(errors, "fit.otherIndustryScore", fit.OtherIndustryScore);
            CheckIdealRange(errors, "fit.employees", fit.Employees);
            CheckIdealRange(errors, "fit.annualRevenue", fit.AnnualRevenue);
            CheckMap(errors, "fit.countries", fit.Countries, Vocabulary.Countries.Contains, "an ISO 3166-1 alpha-2 country code such as US or DE");
            CheckScore(errors, "fit.otherCountryScore", fit.OtherCountryScore);
            CheckMap(errors, "fit.leadSources", fit.LeadSources, Vocabulary.LeadSources.Contains, "a HubSpot original-source value such as ORGANIC_SEARCH or REFERRALS");
            CheckScore(errors, "fit.otherLeadSourceScore", fit.OtherLeadSourceScore);
            CheckMap(errors, "fit.lifecycleStages", fit.LifecycleStages, Vocabulary.IsLifecycleStage, "a HubSpot lifecycle stage such as salesqualifiedlead, or a custom stage's numeric id");
            CheckScore(errors, "fit.otherLifecycleStageScore", fit.OtherLifecycleStageScore);
            if (fit.ClosedLifecycleStages is null || fit.ClosedLifecycleStages.Any(stage => !Vocabulary.IsLifecycleStage(stage)))
            {
                errors.Add(new("fit.closedLifecycleStages", "must list HubSpot lifecycle stages such as customer or evangelist (or custom stages' numeric ids)"));
            }
        }

        if (Require(errors, "outcome", profile.Outcome) is { } outcome)
        {
            if (!(outcome.PortalWinRate is > 0 and < 1))
            {
                errors.Add(new("outcome.portalWinRate", $"must be between 0 and 1, exclusive (got {outcome.PortalWinRate})"));
            }

            CheckRange(errors, "outcome.priorStrength", outcome.PriorStrength, 0, 1000);
            CheckPositive(errors, "outcome.targetDealSize", outcome.TargetDealSize);
            CheckPositive(errors, "outcome.typicalSalesCycleDays", outcome.TypicalSalesCycleDays);
        }

        if (Require(errors, "recency", profile.Recency) is { } recency)
        {
            CheckPositive(errors, "recency.halfLifeDays", recency.HalfLifeDays);
            CheckPositive(errors, "recency.responseHalfLifeHours", recency.ResponseHalfLifeHours);
        }

        if (Require(errors, "closeProbability", profile.CloseProbability) is { } close)
        {
            CheckScore(errors, "closeProbability.midpoint", close.Midpoint);
            CheckPositive(errors, "closeProbability.scale", close.Scale);
        }

        if (Require(errors, "similarity", profile.Similarity) is { } similarity)
        {
            CheckRange(errors, "similarity.neighbours", similarity.Neighbours, 1, 50);
            CheckRange(errors, "similarity.minSimilarity", similarity.MinSimilarity, 0, 1);
            CheckRange(errors, "similarity.weight", similarity.Weight, 0, 1);
        }

        if (Require(errors, "nextBestAction", profile.NextBestAction) is { } action)
        {
            CheckRange(errors, "nextBestAction.closeStageProbability", action.CloseStageProbability, 0, 1);
            CheckPositive(errors, "nextBestAction.recentEngagementDays", action.RecentEngagementDays);
        }

        return errors;
    }

    private static T? Require<T>(List<ValidationError> errors, string field, T? value)
        where T : class
    {
        if (value is null)
        {
            errors.Add(new(field, "must not be null (leave it out to keep the default)"));
        }

        return value;
    }

    private static void CheckName(List<ValidationError> errors, string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value.Length > 64 || !value.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            errors.Add(new(field, "must be 1–64 characters of letters, digits, '.', '-' or '_'"));
        }
    }

    private static void CheckScore(List<ValidationError> errors, string field, double value) => CheckRange(errors, field, value, 0, 100);

    private static void CheckRange(List<ValidationError> errors, string field, double value, double min, double max)
    {
        if (!double.IsFinite(value) || value < min || value > max)
        {
            errors.Add(new(field, $"must be between {min} and {max} (got {value})"));
        }
    }

    private static void CheckPositive(List<ValidationError> errors, string field, double value)
    {
        if (!double.IsFinite(value) || value <= 0)
        {
            errors.Add(new(field, $"must be greater than 0 (got {value})"));
        }
    }

    private static void CheckIdealRange(List<ValidationError> errors, string field, IdealRange? range)
    {
        if (Require(errors, field, range) is not { } r)
        {
            return;
        }

        // The size factor works on ratios (log scale), so the lower edge must be at least 1.
        CheckRange(errors, $"{field}.min", r.Min, 1, double.MaxValue);
        CheckRange(errors, $"{field}.max", r.Max, 1, double.MaxValue);
        if (r.Min > r.Max)
        {
            errors.Add(new(field, $"min ({r.Min}) must not exceed max ({r.Max})"));
        }
    }

    private static void CheckMap(List<ValidationError> errors, string field, IReadOnlyDictionary<string, double>? map, Func<string, bool> isKnown, string expected)
    {
        if (Require(errors, field, map) is not { } m)
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, score) in m)
        {
            if (!seen.Add(key))
            {
                errors.Add(new($"{field}.{key}", $"'{key}' is listed twice (keys are case-insensitive)"));
            }

            if (!isKnown(key))
            {
                errors.Add(new($"{field}.{key}", $"'{key}' is not known: expected {expected}"));
            }

            CheckScore(errors, $"{field}.{key}", score);
        }
    }
}
