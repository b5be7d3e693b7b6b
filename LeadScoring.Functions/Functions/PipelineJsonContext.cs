using System.Text.Json;
using System.Text.Json.Serialization;
using LeadScoring.Core.Pipeline;

namespace LeadScoring.Functions.Functions;

/// <summary>JSON of the pipeline's HTTP answers.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WebhookIntakeResult))]
[JsonSerializable(typeof(BatchRescoreResult))]
internal sealed partial class PipelineJsonContext : JsonSerializerContext;
