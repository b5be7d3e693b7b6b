using System.Text.Json;
using System.Text.Json.Serialization;
using LeadScoring.Core.Insights;
using LeadScoring.Core.Monitoring;
using LeadScoring.Core.Storage;

namespace LeadScoring.Functions.Dashboard;

/// <summary>JSON of the dashboard's API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(SignedInCaller))]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(IReadOnlyList<LeadPriority>))]
[JsonSerializable(typeof(IReadOnlyList<LeadRow>))]
[JsonSerializable(typeof(LeadDetailResponse))]
[JsonSerializable(typeof(TrendReport))]
[JsonSerializable(typeof(SuccessReport))]
[JsonSerializable(typeof(OperationsSnapshot))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;

/// <summary>A lead row for managers.</summary>
internal sealed record LeadRow(string ContactId, int Score, string Priority, int CloseProbability, string NextBestAction, string ModelVersion, DateTimeOffset WrittenAt)
{
    public static LeadRow From(LastWrittenScore s) => new(s.ContactId, s.Score, s.Priority, s.CloseProbability, s.NextBestAction, s.ModelVersion, s.WrittenAt);
}

/// <summary>A lead in full: the score document (as /api/score returns it) and the history.</summary>
internal sealed record LeadDetailResponse(string ContactId, JsonElement Latest, IReadOnlyList<ScorePoint> History);
