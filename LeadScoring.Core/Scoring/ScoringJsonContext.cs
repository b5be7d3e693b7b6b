using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeadScoring.Core.Scoring;

/// <summary>
/// Source-generated JSON for scoring documents: camelCase, enums as strings, numbers strictly numeric, and
/// unknown fields rejected so a typo ("emailOpen") is reported instead of silently ignored. Comments and trailing
/// commas are refused too: this is the API's wire format, and a lenient reader accepts what other clients reject.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Disallow,
    AllowTrailingCommas = false)]
[JsonSerializable(typeof(LeadFeatures))]
[JsonSerializable(typeof(LeadScore))]
[JsonSerializable(typeof(ScoringProfile))]
public sealed partial class ScoringJsonContext : JsonSerializerContext;

/// <summary>
/// The scoring profile file an operator edits by hand: as strict about types and unknown fields as the API, but
/// comments and trailing commas are allowed (it is configuration, not a wire format).
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    NumberHandling = JsonNumberHandling.Strict,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(ScoringProfile))]
internal sealed partial class ScoringProfileJsonContext : JsonSerializerContext;
