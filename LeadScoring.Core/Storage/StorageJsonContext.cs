using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeadScoring.Core.Storage;

/// <summary>
/// Source-generated JSON for what storage holds as JSON (queue messages): camelCase, enums as strings, and missing
/// or null required values rejected so a malformed message is recognised as such. Unknown fields are ignored so a
/// newer producer does not poison messages for an older consumer.
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    UseStringEnumConverter = true,
    RespectNullableAnnotations = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(ScoreRequest))]
[JsonSerializable(typeof(AcceptedWebhookEvent))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
