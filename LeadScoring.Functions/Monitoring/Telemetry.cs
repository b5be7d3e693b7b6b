using LeadScoring.Core.Monitoring;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace LeadScoring.Functions;

/// <summary>
/// OpenTelemetry: the product's meter and activity source, plus ASP.NET Core and HttpClient instrumentation, exported by
/// OTLP when OTEL_EXPORTER_OTLP_ENDPOINT is set (the exporter reads the standard OTEL_* variables). The dashboard reads the
/// same instruments in-process, so it works without a collector.
/// </summary>
internal static class Telemetry
{
    public const string OtlpEndpointName = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddLeadScoringTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddLeadScoringMonitoring();
        services.AddHostedService<MonitoringWorker>();
        if (string.IsNullOrWhiteSpace(configuration[OtlpEndpointName]))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService("leadscoring"))
            .WithMetrics(metrics => metrics.AddMeter(LeadScoringMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddOtlpExporter())
            .WithTracing(tracing => tracing.AddSource(LeadScoringMetrics.MeterName).AddAspNetCoreInstrumentation().AddHttpClientInstrumentation().AddOtlpExporter());
        return services;
    }
}
