using System.Text.Json;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Insights;
using LeadScoring.Core.Monitoring;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;
using LeadScoring.Functions.Security;
using Microsoft.Azure.Functions.Worker;

namespace LeadScoring.Functions.Dashboard;

/// <summary>
/// The dashboard's data, each route behind the policy of what it reveals: priorities (no numbers) for reps; scores,
/// lead detail and operations for managers and admins; aggregates (trends, success metrics) also for marketing.
/// </summary>
internal sealed class DashboardApi(LeadInsights leads, ScoreTrends trends, SuccessMetrics success, OperationsMonitor monitor, LeadScoringMetrics metrics, ScoreRequestQueue queue)
{
    [Function("LeadPriorities")]
    public async Task<IResult> PrioritiesAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/dashboard/priorities")] HttpRequest request, CancellationToken cancellationToken) =>
        await request.RequireAsync(AccessPolicies.ViewPriorities)
        ?? TypedResults.Json(await leads.PrioritiesAsync(cancellationToken), DashboardJsonContext.Default.IReadOnlyListLeadPriority);

    [Function("LeadScores")]
    public async Task<IResult> LeadsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/dashboard/leads")] HttpRequest request, CancellationToken cancellationToken) =>
        await request.RequireAsync(AccessPolicies.ScoreLeads)
        ?? TypedResults.Json<IReadOnlyList<LeadRow>>([.. (await leads.ScoresAsync(cancellationToken)).Select(LeadRow.From)], DashboardJsonContext.Default.IReadOnlyListLeadRow);

    [Function("ScoreTrends")]
    public async Task<IResult> TrendsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/dashboard/trends")] HttpRequest request, CancellationToken cancellationToken) =>
        await request.RequireAsync(AccessPolicies.ViewAggregates)
        ?? TypedResults.Json(await trends.ReportAsync(cancellationToken), DashboardJsonContext.Default.TrendReport);

    [Function("Operations")]
    public async Task<IResult> OperationsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/ops")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.ScoreLeads) is { } denied)
        {
            return denied;
        }

        await MonitoringWorker.SampleAsync(queue, metrics, cancellationToken);
        return TypedResults.Json(monitor.Snapshot(), DashboardJsonContext.Default.OperationsSnapshot);
    }

    [Function("LeadDetail")]
    public async Task<IResult> LeadAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/dashboard/leads/{contactId}")] HttpRequest request, string contactId, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.ScoreLeads) is { } denied)
        {
            return denied;
        }

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

    [Function("SuccessMetrics")]
    public async Task<IResult> SuccessAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/dashboard/success")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.ViewAggregates) is { } denied)
        {
            return denied;
        }

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
