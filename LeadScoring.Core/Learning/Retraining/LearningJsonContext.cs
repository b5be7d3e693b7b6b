using System.Text.Json;
using System.Text.Json.Serialization;

namespace LeadScoring.Core.Learning.Retraining;

/// <summary>Source-generated JSON for model cards (stored in the registry and served by the models route).</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(ModelCard))]
[JsonSerializable(typeof(ModelsOverview))]
public sealed partial class LearningJsonContext : JsonSerializerContext;
