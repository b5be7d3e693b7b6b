using System.Text.Json;
using System.Text.Json.Serialization;
using LeadScoring.Core.Pipeline;

namespace LeadScoring.Functions.Functions;

/// <summary>An orchestration as the admin sees it: what, when, how it ended and why it failed. No inputs (ids only, but many).</summary>
internal sealed record OrchestrationView(
    string InstanceId, string Name, string Status, DateTimeOffset CreatedAt, DateTimeOffset LastUpdatedAt, string? Failure, JsonElement? Output, string? CustomStatus = null);

/// <summary>The answer to starting a long-running orchestration: where to watch it.</summary>
internal sealed record OrchestrationStarted(string InstanceId, bool Started, string Status, string StatusUri);

/// <summary>JSON of the pipeline's HTTP answers.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(WebhookIntakeResult))]
[JsonSerializable(typeof(WebhookAnswer))]
[JsonSerializable(typeof(BatchRescoreResult))]
[JsonSerializable(typeof(OrchestrationView))]
[JsonSerializable(typeof(IReadOnlyList<OrchestrationView>))]
[JsonSerializable(typeof(OrchestrationStarted))]
internal sealed partial class PipelineJsonContext : JsonSerializerContext;
