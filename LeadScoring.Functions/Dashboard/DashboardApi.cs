using System.Text.Json;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Insights;
using LeadScoring.Core.Monitoring;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;
using LeadScoring.Functions.Security;

namespace LeadScoring.Functions.Dashboard;

/// <summary>
/// The dashboard's data, each route behind the policy of what it reveals: priorities (no numbers) for reps; scores,
/// lead detail and operations for managers and admins; aggregates (trends, success metrics) also for marketing.
/// </summary>
internal static class DashboardApi
{
    public static IEndpointRouteBuilder MapDashboardApi(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/api/dashboard");
        group.MapGet("/priorities", async (LeadInsights leads, CancellationToken cancellationToken) =>
                TypedResults.Json(await leads.PrioritiesAsync(cancellationToken), DashboardJsonContext.Default.IReadOnlyListLeadPriority))
            .RequireAuthorization(AccessPolicies.ViewPriorities).WithName("LeadPriorities");
        group.MapGet("/leads", async (LeadInsights leads, CancellationToken cancellationToken) =>
                TypedResults.Json<IReadOnlyList<LeadRow>>([.. (await leads.ScoresAsync(cancellationToken)).Select(LeadRow.From)], DashboardJsonContext.Default.IReadOnlyListLeadRow))
            .RequireAuthorization(AccessPolicies.ScoreLeads).WithName("LeadScores");
        group.MapGet("/leads/{contactId}", LeadAsync).RequireAuthorization(AccessPolicies.ScoreLeads).WithName("LeadDetail");
        group.MapGet("/trends", async (ScoreTrends trends, CancellationToken cancellationToken) =>
                TypedResults.Json(await trends.ReportAsync(cancellationToken), DashboardJsonContext.Default.TrendReport))
            .RequireAuthorization(AccessPolicies.ViewAggregates).WithName("ScoreTrends");
        group.MapGet("/success", SuccessAsync).RequireAuthorization(AccessPolicies.ViewAggregates).WithName("SuccessMetrics");
        endpoints.MapGet("/api/ops", async (OperationsMonitor monitor, LeadScoringMetrics metrics, ScoreRequestQueue queue, CancellationToken cancellationToken) =>
            {
                await MonitoringWorker.SampleAsync(queue, metrics, cancellationToken);
                return TypedResults.Json(monitor.Snapshot(), DashboardJsonContext.Default.OperationsSnapshot);
            })
            .RequireAuthorization(AccessPolicies.ScoreLeads).WithName("Operations");
        return endpoints;
    }

    private static async Task<IResult> LeadAsync(string contactId, LeadInsights leads, CancellationToken cancellationToken)
    {
        if (contactId.Length > 20 || !contactId.All(char.IsAsciiDigit))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["contactId"] = ["must be a HubSpot contact id (digits)"] }, title: "The lead id is invalid.");
        }

        if (await leads.DetailAsync(contactId, cancellationToken) is not { } detail)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: $"Contact {contactId} has not been scored.");
        }

        var latest = JsonSerializer.SerializeToElement(detail.Latest, ScoringJsonContext.Default.LeadScore);
        return TypedResults.Json(new LeadDetailResponse(detail.ContactId, latest, detail.History), DashboardJsonContext.Default.LeadDetailResponse);
    }

    private static async Task<IResult> SuccessAsync(SuccessMetrics success, CancellationToken cancellationToken)
    {
        try
        {
            return TypedResults.Json(await success.ReportAsync(cancellationToken), DashboardJsonContext.Default.SuccessReport);
        }
        catch (HubSpotApiException ex)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "HubSpot failed while reading deal history", detail: ex.Message);
        }
    }
}
