using System.Text.Json;
using System.Text.Json.Serialization;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Core.Training;

/// <summary>What a manager posts to create a training record: a HubSpot contact id or a features document, plus the verdict.</summary>
public sealed class TrainingRecordInput
{
    public string? ContactId { get; set; }

    public LeadFeatures? Features { get; set; }

    /// <summary>Ideal or LessIdeal ("Less Ideal" is accepted too).</summary>
    public string? Classification { get; set; }

    public int? Score { get; set; }

    public List<string>? Attributes { get; set; }

    public string? Notes { get; set; }
}

/// <summary>Checks a <see cref="TrainingRecordInput"/>; every problem names its field.</summary>
public static class TrainingRecordValidator
{
    public const int MaxNotesLength = 2000;
    public const int MaxAttributes = 10;

    /// <param name="now">Our clock, for the features' timestamps (see <see cref="LeadFeaturesValidator"/>).</param>
    public static IReadOnlyList<ValidationError> Validate(TrainingRecordInput input, DateTimeOffset now, out TrainingClassification classification)
    {
        ArgumentNullException.ThrowIfNull(input);
        var errors = new List<ValidationError>();
        classification = default;
        if (input.ContactId is null && input.Features is null)
        {
            errors.Add(new("contactId", "give a HubSpot contactId or a features document (or both)"));
        }

        if (input.ContactId is { } id && (id.Length is 0 or > 20 || !id.All(char.IsAsciiDigit)))
        {
            errors.Add(new("contactId", "must be a HubSpot object id (digits only)"));
        }

        if (TryClassify(input.Classification) is { } parsed)
        {
            classification = parsed;
        }
        else
        {
            errors.Add(new("classification", input.Classification is null ? "is required: Ideal or LessIdeal" : $"'{input.Classification}' is not Ideal or LessIdeal"));
        }

        if (input.Score is not { } score)
        {
            errors.Add(new("score", "is required: 0–100"));
        }
        else if (score is < 0 or > 100)
        {
            errors.Add(new("score", $"must be between 0 and 100 (got {score})"));
        }

        var attributes = input.Attributes ?? [];
        if (attributes.Count > MaxAttributes)
        {
            errors.Add(new("attributes", $"at most {MaxAttributes} attributes"));
        }

        for (var i = 0; i < attributes.Count; i++)
        {
            if (!TrainingAttributes.Known.Contains(attributes[i] ?? ""))
            {
                errors.Add(new($"attributes[{i}]", $"'{attributes[i]}' is not known: expected one of {string.Join(", ", TrainingAttributes.Known.Order(StringComparer.Ordinal))}"));
            }
        }

        if (input.Notes is { Length: > MaxNotesLength })
        {
            errors.Add(new("notes", $"must be at most {MaxNotesLength} characters (got {input.Notes.Length})"));
        }

        if (input.Features is { } features)
        {
            errors.AddRange(LeadFeaturesValidator.Validate(features, now).Select(e => new ValidationError($"features.{e.Field}", e.Message)));
        }

        return errors;
    }

    public static TrainingClassification? TryClassify(string? text) =>
        text?.Replace(" ", "", StringComparison.Ordinal).ToUpperInvariant() switch
        {
            "IDEAL" => TrainingClassification.Ideal,
            "LESSIDEAL" => TrainingClassification.LessIdeal,
            _ => null,
        };
}

/// <summary>Strict JSON for training records: unknown fields are errors, numbers are numbers, no comments or trailing commas.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(TrainingRecordInput))]
[JsonSerializable(typeof(TrainingRecord))]
[JsonSerializable(typeof(TrainingRecordPage))]
public sealed partial class TrainingJsonContext : JsonSerializerContext;

/// <summary>One page of training records and the token for the next, if any.</summary>
public sealed record TrainingRecordPage(IReadOnlyList<TrainingRecord> Records, string? ContinuationToken);
