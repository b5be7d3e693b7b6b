using System.Diagnostics.Metrics;
using LeadScoring.Core.Alerts;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LeadScoring.Core.Monitoring;

/// <summary>Registers the metrics, the in-process aggregator and the admin alerts.</summary>
public static class MonitoringServiceCollectionExtensions
{
    public static IServiceCollection AddLeadScoringMonitoring(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider => new LeadScoringMetrics(provider.GetService<IMeterFactory>()));
        services.TryAddSingleton<AdminAlerts>();
        services.TryAddSingleton<OperationsMonitor>();
        services.TryAddSingleton<IAlertSink, WebhookAlertSink>();
        services.TryAddSingleton<AlertDispatcher>();
        services.TryAddTransient<HubSpotMetricsHandler>();
        services.AddHttpClient(WebhookAlertSink.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(10));
        return services;
    }
}
