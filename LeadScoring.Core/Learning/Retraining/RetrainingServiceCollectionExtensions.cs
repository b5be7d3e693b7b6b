using LeadScoring.Core.Scoring;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LeadScoring.Core.Learning.Retraining;

/// <summary>Registers retraining, the model registry and the active close-probability model the scorer consults.</summary>
internal static class RetrainingServiceCollectionExtensions
{
    public static IServiceCollection AddRetraining(this IServiceCollection services)
    {
        services.TryAddSingleton<ActiveCloseModel>();
        services.TryAddSingleton<ICloseProbabilityModel>(provider => provider.GetRequiredService<ActiveCloseModel>());
        services.TryAddSingleton<ModelRegistry>();
        services.TryAddSingleton<RetrainingGate>();
        services.TryAddTransient<HubSpotOutcomeReader>();
        services.TryAddTransient<Retrainer>();
        return services;
    }
}
