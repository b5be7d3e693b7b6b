using System.Text.Json;

namespace LeadScoring.Core.Scoring;

/// <summary>Reads a posted LeadFeatures document: malformed JSON, wrong types, unknown fields and impossible values
/// all come back as errors naming the field.</summary>
public static class LeadFeaturesReader
{
    public static async Task<(LeadFeatures? Features, IReadOnlyList<ValidationError> Errors)> ReadAsync(Stream json, TimeProvider clock, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clock);
        LeadFeatures? features;
        try
        {
            features = await JsonSerializer.DeserializeAsync(json, ScoringJsonContext.Default.LeadFeatures, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            return (null, [new ValidationError(JsonErrors.FieldOf(ex), JsonErrors.Describe(ex))]);
        }

        if (features is null)
        {
            return (null, [new ValidationError("$", "the body must be a JSON object of lead features, not null")]);
        }

        var errors = LeadFeaturesValidator.Validate(features, clock.GetUtcNow());
        return errors.Count > 0 ? (null, errors) : (features, errors);
    }
}
