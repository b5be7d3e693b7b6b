using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeadScoring.Core.Scoring;

/// <summary>
/// Source-generated JSON for scoring documents: camelCase, enums as strings, numbers strictly numeric, and
/// unknown fields rejected so a typo ("emailOpen") is reported instead of silently ignored.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(LeadFeatures))]
[JsonSerializable(typeof(LeadScore))]
[JsonSerializable(typeof(ScoringProfile))]
public sealed partial class ScoringJsonContext : JsonSerializerContext;
