using System.Text.Json;
using LeadScoring.Core.Scoring;
using LeadScoring.Functions.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LeadScoring.Functions.Functions;

/// <summary>
/// <c>GET /api/health</c>: anonymous; healthy / degraded / unhealthy with the reason per check. Anonymous callers get
/// the reasons in product words (<see cref="SummaryKey"/>: "HubSpot is not answering", "storage unavailable"); an Admin
/// caller (key, session or Entra ID) also gets the details — exception text, addresses, counts — which would tell an
/// outsider about our internals.
/// </summary>
internal sealed class HealthFunction(HealthCheckService health)
{
    public static IServiceCollection AddHealthChecks(IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<ScoringHealthCheck>("scoring").AddCheck<PipelineHealthCheck>("pipeline").AddCheck<HubSpotHealthCheck>("hubspot");
        return services;
    }

    /// <summary>Each check's reason in product words, safe for anyone to read.</summary>
    internal const string SummaryKey = "summary";

    [Function("Health")]
    public async Task<IResult> RunAsync([HttpTrigger(AuthorizationLevel.Anonymous, "get", Route = "api/health")] HttpRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var caller = await request.HttpContext.AuthenticateAsync();
        var admin = caller.Succeeded && caller.Principal.IsInRole(nameof(LeadScoring.Core.Security.AccessRole.Admin));
        var report = await health.CheckHealthAsync(cancellationToken);
        return new HealthResult(report, admin);
    }

    /// <summary>Writes the report as JSON: 200 when healthy or degraded, 503 when unhealthy.</summary>
    private sealed class HealthResult(HealthReport report, bool details) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            return details ? WriteAsync(httpContext, report) : WritePublicAsync(httpContext, report);
        }
    }

    private static async Task WritePublicAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(http.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", Word(report.Status));
        json.WriteString("reason", report.Status == HealthStatus.Healthy
            ? "all checks healthy"
            : string.Join("; ", report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"{e.Key}: {Summary(e.Value)}")));
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", Word(entry.Status));
            json.WriteString("description", Summary(entry));
            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(http.RequestAborted);
    }

    private static string Summary(HealthReportEntry entry) =>
        entry.Data.TryGetValue(SummaryKey, out var summary) && summary is string text ? text : Word(entry.Status);

    private static async Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(http.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", Word(report.Status));
        json.WriteString("version", typeof(HealthFunction).Assembly.GetName().Version?.ToString());
        json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
        json.WriteString("reason", report.Status == HealthStatus.Healthy
            ? "all checks healthy"
            : string.Join("; ", report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"{e.Key}: {e.Value.Description}")));
        json.WriteStartObject("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject(name);
            json.WriteString("status", Word(entry.Status));
            json.WriteString("description", entry.Description);
            foreach (var (key, value) in entry.Data)
            {
                json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture));
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(http.RequestAborted);
    }

    private static string Word(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    /// <summary>
    /// Storage reachable (queue depth, poison count), HubSpot properties ensured, last batch run and last error.
    /// Unhealthy when storage cannot be reached; degraded when work is failing or waiting, when the queue backlog is
    /// above LEAD_SCORE_HEALTH_MAX_BACKLOG, or the scoring batches' p95 above LEAD_SCORE_HEALTH_MAX_P95.
    /// </summary>
    private sealed class PipelineHealthCheck(
        LeadScoring.Core.Storage.ScoreRequestQueue queue, LeadScoring.Core.Pipeline.PipelineHealth health, LeadScoring.Core.Monitoring.LeadScoringMetrics metrics,
        LeadScoring.Core.Monitoring.OperationsMonitor monitor, Microsoft.Extensions.Options.IOptions<LeadScoring.Core.Settings.LeadScoringSettings> settings, TimeProvider clock) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var s = health.Snapshot();
            var data = new Dictionary<string, object>
            {
                ["scored"] = s.Scored,
                ["written"] = s.Written,
                ["lastScoredAt"] = s.LastScoredAt?.ToString("O") ?? "never",
                ["lastBatchRunAt"] = s.LastBatchRunAt?.ToString("O") ?? "never",
                ["lastBatchEnqueued"] = s.LastBatchEnqueued,
                ["hubSpotPropertiesReady"] = s.PropertiesReady,
            };
            int backlog, poison;
            try
            {
                backlog = await queue.ApproximateCountAsync(cancellationToken);
                poison = await queue.PoisonCountAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                data[SummaryKey] = "storage unavailable";
                return HealthCheckResult.Unhealthy($"Azure Storage unreachable: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}", data: data);
            }

            metrics.QueueSampled(backlog, poison);
            data["queueBacklog"] = backlog;
            data["poisonMessages"] = poison;
            var problems = new List<string>();
            var words = new List<string>();
            if (!s.PropertiesReady)
            {
                problems.Add($"ai_* properties not yet ensured in HubSpot ({s.PropertiesError ?? "pending"})");
                words.Add(s.PropertiesError is null ? "HubSpot set-up in progress" : "HubSpot is not answering (set-up not finished)");
            }

            if (s.LastErrorAt is { } at && clock.GetUtcNow() - at < settings.Value.AlertWindow)
            {
                problems.Add($"last error at {at:O}: {s.LastError}");
                words.Add("recent scoring errors");
            }

            if (s.LastBatchError is { } batchError)
            {
                problems.Add($"last batch rescore failed: {batchError}");
                words.Add("the last batch rescore failed");
            }

            if (poison > 0)
            {
                problems.Add($"{poison} poison message(s): see the PipelineErrors table");
                words.Add("some score requests could not be processed");
            }

            var limits = settings.Value;
            if (backlog > limits.HealthMaxBacklog)
            {
                problems.Add($"{backlog} score request(s) queued, above {LeadScoring.Core.Settings.LeadScoringSettings.HealthMaxBacklogName} = {limits.HealthMaxBacklog}");
                words.Add("a backlog of score requests");
            }

            var p95 = monitor.Snapshot().ScoringBatchP95Ms;
            data["scoringBatchP95Ms"] = p95 is { } ms ? Math.Round(ms) : "no batches in the last 15 minutes";
            if (p95 > limits.HealthMaxP95.TotalMilliseconds)
            {
                problems.Add($"scoring batch p95 {p95:0} ms over the last 15 minutes, above {LeadScoring.Core.Settings.LeadScoringSettings.HealthMaxP95Name} = {limits.HealthMaxP95.TotalMilliseconds:0} ms");
                words.Add("scoring is slow");
            }

            data[SummaryKey] = words.Count == 0 ? "pipeline running" : string.Join("; ", words);
            return problems.Count == 0
                ? HealthCheckResult.Healthy($"Pipeline running; {backlog} message(s) waiting", data)
                : HealthCheckResult.Degraded(string.Join("; ", problems), data: data);
        }
    }

    /// <summary>
    /// HubSpot connectivity, from the calls the product made (no probe that would spend rate budget): degraded when the
    /// share of failed calls in LEAD_SCORE_ALERT_WINDOW reaches LEAD_SCORE_ALERT_ERROR_RATE, or HubSpot refused our credentials.
    /// </summary>
    private sealed class HubSpotHealthCheck(
        LeadScoring.Core.Monitoring.OperationsMonitor monitor, LeadScoring.Core.HubSpot.HubSpotRateBudget budget, LeadScoring.Core.HubSpot.HubSpotPortal portal,
        Microsoft.Extensions.Options.IOptions<LeadScoring.Core.Settings.LeadScoringSettings> settings) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var w = monitor.HubSpotWindow();
            var data = new Dictionary<string, object>
            {
                ["window"] = w.Window.ToString(),
                ["calls"] = w.Calls,
                ["errors"] = w.Errors,
                ["rateLimited"] = w.RateLimited,
                ["errorRate"] = Math.Round(w.ErrorRate, 3),
                ["lastSuccessAt"] = w.LastSuccessAt?.ToString("O") ?? "never",
                ["lastFailureAt"] = w.LastFailureAt?.ToString("O") ?? "never",
                ["budgetPer10Seconds"] = budget.GeneralLimit,
                ["batchBudgetPer10Seconds"] = budget.BatchLimitPer10Seconds,
                ["portalTimeZone"] = budget.PortalTimeZone.Id,
                ["portalId"] = portal.Id is { } id ? id : "unknown",
            };
            var threshold = settings.Value.AlertErrorRate;
            HealthCheckResult result;
            if (budget.DailyLimitedUntil is { } resumes)
            {
                data["dailyLimitResumesAt"] = resumes.ToString("O");
                data[SummaryKey] = "HubSpot daily API limit reached; work waits until it resets";
                result = HealthCheckResult.Degraded(
                    $"HubSpot daily API limit reached; HubSpot calls resume at {resumes:u} (midnight {budget.PortalTimeZone.Id}); webhook work is kept and waits", data: data);
            }
            else if (w.AuthRefused)
            {
                data[SummaryKey] = "HubSpot refused our credentials";
                result = HealthCheckResult.Degraded($"HubSpot refused our credentials: {w.LastFailure}", data: data);
            }
            else if (portal.Problem is { } unknown)
            {
                data[SummaryKey] = "HubSpot portal not known; webhooks wait for HubSpot's retry";
                result = HealthCheckResult.Degraded($"{unknown}; webhooks are answered 503 until it is known", data: data);
            }
            else if (w.Calls >= LeadScoring.Core.Monitoring.OperationsMonitor.MinCallsForErrorRate && w.ErrorRate >= threshold)
            {
                data[SummaryKey] = "HubSpot is not answering";
                result = HealthCheckResult.Degraded($"{w.Errors} of {w.Calls} HubSpot calls failed in the last {w.Window} ({w.ErrorRate:P0}, threshold {threshold:P0}); last: {w.LastFailure}", data: data);
            }
            else
            {
                data[SummaryKey] = w.Calls == 0 ? "no recent HubSpot calls" : "HubSpot answering";
                result = HealthCheckResult.Healthy(w.Calls == 0 ? "No HubSpot calls in the window" : $"{w.Calls - w.Errors} of {w.Calls} HubSpot calls succeeded in the last {w.Window}", data);
            }

            return Task.FromResult(result);
        }
    }

    /// <summary>The scorer is loaded with a valid profile and can score an empty lead.</summary>
    private sealed class ScoringHealthCheck(LeadScorer scorer, LeadScoring.Core.Learning.Retraining.ActiveCloseModel model, ModelInUse retrain, TimeProvider clock) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var probe = scorer.Score(new LeadFeatures());
            var data = new Dictionary<string, object>
            {
                ["modelVersion"] = probe.ModelVersion,
                ["emptyLeadScore"] = probe.Score,
                ["modelAge"] = model.TrainedAt is { } trained
                    ? $"{(clock.GetUtcNow() - trained).TotalDays:0.0} days (model {model.Version})"
                    : "none: no model in use, the documented prior is",
            };

            data[SummaryKey] = retrain.LoadError is null ? "scoring works" : "scoring works, but the model that should be in use could not be loaded";

            // A pinned or current model that cannot be loaded leaves the previous one (or the prior) in use: worth a look.
            return Task.FromResult(retrain.LoadError is { } error
                ? HealthCheckResult.Degraded($"Scoring works, but the model that should be in use is not: {error}", data: data)
                : HealthCheckResult.Healthy($"Scoring profile '{scorer.Profile.Name}' loaded", data));
        }
    }
}
