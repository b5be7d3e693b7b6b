using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LeadScoring.Core.Insights;

/// <summary>Registers the dashboard's reads (they use the storage and HubSpot registrations of the pipeline).</summary>
public static class InsightsServiceCollectionExtensions
{
    public static IServiceCollection AddLeadScoringInsights(this IServiceCollection services)
    {
        services.TryAddTransient<LeadInsights>();
        services.TryAddTransient<Leads.LeadLists>();
        services.TryAddTransient<ScoreTrends>();
        services.TryAddTransient<SuccessMetrics>();
        return services;
    }
}
