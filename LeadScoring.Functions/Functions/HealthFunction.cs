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
        services.AddHealthChecks().AddCheck<ScoringHealthCheck>("scoring");
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
