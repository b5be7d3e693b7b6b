using LeadScoring.Core.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.Scoring;

/// <summary>Composition root for Core: settings (validated at start-up), the scoring profile and the scorer.</summary>
public static class ScoringServiceCollectionExtensions
{
    public static IServiceCollection AddLeadScoringCore(this IServiceCollection services)
    {
        services.AddOptions<LeadScoringSettings>()
            .Configure<Microsoft.Extensions.Configuration.IConfiguration>((settings, configuration) => settings.ReadFrom(configuration))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LeadScoringSettings>, LeadScoringSettingsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(provider =>
        {
            var settings = provider.GetRequiredService<IOptions<LeadScoringSettings>>().Value;
            var profile = settings.ScoringProfilePath is { } path
                ? ScoringProfileLoader.Parse(File.ReadAllText(path))
                : ScoringProfile.Default;
            return settings.ClosedLifecycleStages is { } closed ? profile with { Fit = profile.Fit with { ClosedLifecycleStages = closed } } : profile;
        });
        services.TryAddSingleton(provider => new LeadScorer(provider.GetRequiredService<ScoringProfile>(), provider.GetRequiredService<TimeProvider>(), provider.GetService<ICloseProbabilityModel>()));
        return services;
    }
}
