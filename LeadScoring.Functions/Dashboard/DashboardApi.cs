using System.Text.Json;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core;
using LeadScoring.Core.Insights;
using LeadScoring.Core.Leads;
using LeadScoring.Core.Monitoring;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Settings;
using LeadScoring.Core.Storage;
using LeadScoring.Functions.Security;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Dashboard;

/// <summary>
/// The dashboard's data, each route behind the policy of what it reveals: priorities (no numbers) for reps; scores,
/// lead detail and operations for managers and admins; aggregates (trends, success metrics) also for marketing.
/// </summary>
internal sealed class DashboardApi(LeadInsights leads, LeadLists lists, IOptions<LeadScoringSettings> settings, ScoreTrends trends, SuccessMetrics success, OperationsMonitor monitor, LeadScoringMetrics metrics, ScoreRequestQueue queue)
{
    [Function("CallQueue")]
    public async Task<IResult> CallQueueAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/dashboard/queue")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.ViewPriorities) is { } denied)
        {
            return denied;
        }

        var list = LeadListRequest.Parse(name => request.Query[name], out var errors);
        var owner = CallerOwner.Of(request.HttpContext.User, settings.Value);
        var mine = request.Query["mine"].ToString() is "true" or "1";
        if (errors.Count > 0 || (mine && owner is null))
        {
            return Invalid(mine && owner is null
                ? [.. errors, new("mine", $"needs the caller's HubSpot owner: sign in with a key mapped in {LeadScoringSettings.KeyOwnersName}, or an Entra ID token with a {CallerOwner.Claim} claim")]
                : errors);
        }

        var page = await lists.CallQueueAsync(mine ? list with { Filter = list.Filter with { OwnerId = owner } } : list, owner, cancellationToken);
        return TypedResults.Json(new CallQueueResponse(page.Leads, page.Next, owner is not null), DashboardJsonContext.Default.CallQueueResponse);
    }

    [Function("LeadScores")]
    public async Task<IResult> LeadsAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/dashboard/leads")] HttpRequest request, CancellationToken cancellationToken)
    {
        if (await request.RequireAsync(AccessPolicies.ScoreLeads) is { } denied)
        {
            return denied;
        }

        var list = LeadListRequest.Parse(name => request.Query[name], out var errors);
        if (errors.Count > 0)
        {
            return Invalid(errors);
        }

        var page = await lists.ScoredAsync(list, cancellationToken);
        return TypedResults.Json(new LeadListResponse([.. page.Leads.Select(LeadRow.From)], page.Next), DashboardJsonContext.Default.LeadListResponse);
    }

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

    private static Microsoft.AspNetCore.Http.HttpResults.ValidationProblem Invalid(IReadOnlyList<ValidationError> errors) =>
        TypedResults.ValidationProblem(errors.GroupBy(e => e.Field).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()), title: "The list request is invalid.");
}
