using LeadScoring.Core.Insights;
using LeadScoring.Core.Pipeline;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Settings;
using LeadScoring.Core.Storage;
using LeadScoring.Functions.Functions;
using LeadScoring.Functions.Security;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Hosting;

/// <summary>
/// The app's composition root, the same for the Azure Functions host (Program) and for LeadScoring.LocalHost: Core's
/// scoring, storage, HubSpot client and pipeline steps, sign-in and roles, health, telemetry and the dashboard's reads.
/// Triggers, queue polling, timers and the Durable engine are the host's, not registered here.
/// </summary>
public static class AppComposition
{
    public static IHostApplicationBuilder AddLeadScoringApp(this IHostApplicationBuilder builder, string storagePrefix = "")
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddLeadScoringCore();
        services.AddScoringPipeline();

        // Pipeline__ActivityMaxAttempts and friends: tuning with safe defaults, like HubSpot__*.
        services.Configure<PipelineOptions>(builder.Configuration.GetSection("Pipeline"));
        services.AddSingleton(provider => new StorageNames(
            storagePrefix.Length > 0 ? storagePrefix : provider.GetRequiredService<IOptions<LeadScoringSettings>>().Value.StoragePrefix));

        // Storage exists (and the training vectors are loaded) before the first function runs.
        services.AddHostedService<StartupTasks>();
        services.AddSingleton<LeadScoring.Functions.Orchestrations.ScoreLeadsStarter>();
        services.AddSingleton<ModelInUse>();
        services.AddHostedService(provider => provider.GetRequiredService<ModelInUse>());
        services.AddProblemDetails();
        services.AddFunctionKeyAuthorization();
        HealthFunction.AddHealthChecks(services);
        services.AddLeadScoringTelemetry(builder.Configuration);
        services.AddLeadScoringInsights();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ScoringJsonContext.Default));
        return builder;
    }
}
