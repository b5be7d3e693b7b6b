using System.Text.Json;
using System.Text.Json.Serialization;
using LeadScoring.Core.Insights;
using LeadScoring.Core.Leads;
using LeadScoring.Core.Monitoring;
using LeadScoring.Core.Storage;

namespace LeadScoring.Functions.Dashboard;

/// <summary>JSON of the dashboard's API.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, UseStringEnumConverter = true)]
[JsonSerializable(typeof(SignedInCaller))]
[JsonSerializable(typeof(SignInRequest))]
[JsonSerializable(typeof(CallQueueResponse))]
[JsonSerializable(typeof(LeadListResponse))]
[JsonSerializable(typeof(LeadDetailResponse))]
[JsonSerializable(typeof(TrendReport))]
[JsonSerializable(typeof(SuccessReport))]
[JsonSerializable(typeof(OperationsSnapshot))]
internal sealed partial class DashboardJsonContext : JsonSerializerContext;

/// <summary>A lead row for managers: the score and what the list filters on (codes and owner ids, no names).</summary>
internal sealed record LeadRow(
    string ContactId, int Score, string Priority, int CloseProbability, string NextBestAction, string ModelVersion, DateTimeOffset ScoredAt,
    string? LeadSource, string? Industry, string? LifecycleStage, string? OwnerId, string? TopReason, DateTimeOffset ChangedAt)
{
    public static LeadRow From(LeadIndexEntry e) => new(
        e.ContactId, e.Score, e.Priority, e.CloseProbability, e.NextBestAction, e.ModelVersion, e.ScoredAt, e.LeadSource, e.Industry, e.LifecycleStage, e.OwnerId, e.TopReason, e.ChangedAt);
}

/// <summary>A page of the Manager's list, highest score first; <c>nextPageToken</c> asks for the next (null: the last page).</summary>
internal sealed record LeadListResponse(IReadOnlyList<LeadRow> Leads, string? NextPageToken);

/// <summary>A page of the Rep's call queue: no score, no probability; <c>ownerKnown</c> says whether "My leads" is available.</summary>
internal sealed record CallQueueResponse(IReadOnlyList<CallQueueItem> Leads, string? NextPageToken, bool OwnerKnown);

/// <summary>A lead in full: the score document (as /api/score returns it) and the history.</summary>
internal sealed record LeadDetailResponse(string ContactId, JsonElement Latest, IReadOnlyList<ScorePoint> History);
