using System.Text.Json;
using LeadScoring.Core.Scoring;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace LeadScoring.Functions.Functions;

/// <summary><c>GET /api/health</c>: anonymous; healthy / degraded / unhealthy with the reason per check.</summary>
internal static class HealthFunction
{
    public static IServiceCollection AddLeadScoringHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks().AddCheck<ScoringHealthCheck>("scoring").AddCheck<PipelineHealthCheck>("pipeline");
        return services;
    }

    public static IEndpointRouteBuilder MapHealth(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/api/health", new HealthCheckOptions
        {
            ResponseWriter = WriteAsync,
            ResultStatusCodes =
            {
                [HealthStatus.Healthy] = StatusCodes.Status200OK,
                [HealthStatus.Degraded] = StatusCodes.Status200OK,
                [HealthStatus.Unhealthy] = StatusCodes.Status503ServiceUnavailable,
            },
        }).AllowAnonymous();
        return endpoints;
    }

    private static async Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        await using var json = new Utf8JsonWriter(http.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", Word(report.Status));
        json.WriteString("version", typeof(HealthFunction).Assembly.GetName().Version?.ToString());
        json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 1));
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
    /// Unhealthy when storage cannot be reached; degraded when work is failing or waiting.
    /// </summary>
    private sealed class PipelineHealthCheck(LeadScoring.Core.Storage.ScoreRequestQueue queue, LeadScoring.Core.Pipeline.PipelineHealth health, TimeProvider clock) : IHealthCheck
    {
        private static readonly TimeSpan RecentError = TimeSpan.FromMinutes(5);

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
                return HealthCheckResult.Unhealthy($"Azure Storage unreachable: {ex.GetType().Name}: {ex.Message.Split('\n')[0]}", data: data);
            }

            data["queueBacklog"] = backlog;
            data["poisonMessages"] = poison;
            var problems = new List<string>();
            if (!s.PropertiesReady)
            {
                problems.Add($"ai_* properties not yet ensured in HubSpot ({s.PropertiesError ?? "pending"})");
            }

            if (s.LastErrorAt is { } at && clock.GetUtcNow() - at < RecentError)
            {
                problems.Add($"last error at {at:O}: {s.LastError}");
            }

            if (s.LastBatchError is { } batchError)
            {
                problems.Add($"last batch rescore failed: {batchError}");
            }

            if (poison > 0)
            {
                problems.Add($"{poison} poison message(s): see the PipelineErrors table");
            }

            return problems.Count == 0
                ? HealthCheckResult.Healthy($"Pipeline running; {backlog} message(s) waiting", data)
                : HealthCheckResult.Degraded(string.Join("; ", problems), data: data);
        }
    }

    /// <summary>The scorer is loaded with a valid profile and can score an empty lead.</summary>
    private sealed class ScoringHealthCheck(LeadScorer scorer) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var probe = scorer.Score(new LeadFeatures());
            return Task.FromResult(HealthCheckResult.Healthy(
                $"Scoring profile '{scorer.Profile.Name}' loaded",
                new Dictionary<string, object> { ["modelVersion"] = scorer.ModelVersion, ["emptyLeadScore"] = probe.Score }));
        }
    }
}
