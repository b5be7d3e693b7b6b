using LeadScoring.Core.AI;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Learning.Retraining;
using LeadScoring.Core.Settings;
using LeadScoring.Core.Storage;
using LeadScoring.Core.Training;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.Pipeline;

/// <summary>
/// Registers the scoring pipeline: storage, the HubSpot client, intake, queue processing and batch rescore. The
/// workers are transient because they hold the typed HubSpot client, whose handlers the factory rotates.
/// </summary>
public static class PipelineServiceCollectionExtensions
{
    public static IServiceCollection AddScoringPipeline(this IServiceCollection services, Action<PipelineOptions>? configure = null)
    {
        var options = services.AddOptions<PipelineOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        services.AddLeadScoringStorage(provider => provider.GetRequiredService<IOptions<LeadScoringSettings>>().Value.Storage);
        services.AddHubSpotClient();
        services.AddTrainingRecords();
        services.AddLeadAnalyst();
        services.TryAddTransient<HubSpotLeadReader>();
        services.TryAddSingleton<PipelineHealth>();
        services.TryAddSingleton<WebhookEventBuffer>();
        services.TryAddSingleton<RecentWebhookEvents>();
        services.TryAddSingleton<SharedLeadGathers>();
        services.TryAddSingleton<WebhookLatency>();
        services.TryAddTransient<WebhookIntake>();
        services.TryAddTransient<ScoreLeadsSteps>();
        services.TryAddTransient<ContactBatchScoring>();
        services.TryAddTransient<LeadDecay>();
        services.TryAddTransient<BatchRescore>();
        services.AddRetraining();
        return services;
    }
}
