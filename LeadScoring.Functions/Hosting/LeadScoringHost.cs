using LeadScoring.Core.Insights;
using LeadScoring.Core.Pipeline;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;
using LeadScoring.Functions.Dashboard;
using LeadScoring.Functions.Functions;
using LeadScoring.Functions.Security;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Hosting;

/// <summary>How the host is started: by Program, or by tests with their own settings.</summary>
internal sealed record HostStartOptions
{
    public string[] Args { get; init; } = [];

    /// <summary>Settings that override every other source (tests).</summary>
    public IReadOnlyDictionary<string, string?>? Settings { get; init; }

    /// <summary>False in tests, so the machine's environment variables cannot leak in.</summary>
    public bool UseProcessEnvironment { get; init; } = true;

    /// <summary>Prefix of every queue and table name, so tests sharing one Azurite do not share data.</summary>
    public string StoragePrefix { get; init; } = "";

    /// <summary>Last word on services (tests: a local token signing key, a fake clock).</summary>
    public Action<IServiceCollection>? ConfigureServices { get; init; }
}

/// <summary>
/// The ASP.NET Core host that stands in for the Azure Functions host (see ARCHITECTURE.md): Functions' routes under
/// /api, port 7071, host.json and local.settings.json semantics, function keys in x-functions-key.
/// </summary>
internal static class LeadScoringHost
{
    public static WebApplication Build(HostStartOptions start)
    {
        var root = FunctionsConfiguration.AppRoot(start.Settings);
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = start.Args, ContentRootPath = root });

        var (localSettings, localPort) = FunctionsConfiguration.ReadLocalSettings(Path.Combine(root, "local.settings.json"));
        var hostJson = FunctionsConfiguration.ReadHostJson(Path.Combine(root, "host.json"));
        var sources = builder.Configuration.Sources;
        if (!start.UseProcessEnvironment)
        {
            sources.Clear();
        }

        // Lowest precedence first: host.json, then local.settings.json Values; environment and command line override
        // them, as with Functions Core Tools.
        sources.Insert(0, new MemoryConfigurationSource { InitialData = localSettings });
        sources.Insert(0, new MemoryConfigurationSource { InitialData = hostJson });
        if (start.Settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(start.Settings);
        }

        if (string.IsNullOrEmpty(builder.Configuration[WebHostDefaults.ServerUrlsKey]))
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{localPort ?? FunctionsConfiguration.DefaultPort}");
        }

        builder.Services.AddLeadScoringCore();
        var pipelineOptions = new PipelineOptions();
        FunctionsConfiguration.ApplyQueueSettings(builder.Configuration, pipelineOptions);
        builder.Services.AddScoringPipeline(o =>
        {
            o.BatchSize = pipelineOptions.BatchSize;
            o.MaxDequeueCount = pipelineOptions.MaxDequeueCount;
            o.VisibilityTimeout = pipelineOptions.VisibilityTimeout;
            o.MaxPollingInterval = pipelineOptions.MaxPollingInterval;
        });
        builder.Services.AddSingleton(provider => new StorageNames(
            start.StoragePrefix.Length > 0 ? start.StoragePrefix : provider.GetRequiredService<IOptions<LeadScoring.Core.Settings.LeadScoringSettings>>().Value.StoragePrefix));

        // Order matters: storage exists before the queue trigger and timer start.
        builder.Services.AddHostedService<StartupTasks>();
        builder.Services.AddHostedService<ScoreQueueFunction>();
        builder.Services.AddSingleton<BatchRescoreFunction>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<BatchRescoreFunction>());
        builder.Services.AddSingleton<RetrainFunction>();
        builder.Services.AddHostedService(provider => provider.GetRequiredService<RetrainFunction>());
        builder.Services.AddProblemDetails();
        builder.Services.AddFunctionKeyAuthorization();
        builder.Services.AddLeadScoringHealthChecks();
        builder.Services.AddLeadScoringTelemetry(builder.Configuration);
        builder.Services.AddLeadScoringInsights();
        start.ConfigureServices?.Invoke(builder.Services);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ScoringJsonContext.Default));

        var app = builder.Build();

        // Listening from the first measurement: start-up's own HubSpot calls count too.
        app.Services.GetRequiredService<LeadScoring.Core.Monitoring.OperationsMonitor>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDashboardAssets();
        app.UseAuthentication();
        app.UseAuthorization();
        app.MapHealth();
        app.MapScoreLead();
        app.MapHubSpotWebhook();
        app.MapTrainingRecords();
        BatchRescoreFunction.MapAdminRescore(app);
        RetrainFunction.MapModels(app);
        app.MapDashboard();
        app.MapDashboardApi();
        return app;
    }

    /// <summary>Runs until shutdown. A bad setting stops start-up with one line per problem, naming the setting; exit code 1.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            await using var app = Build(new HostStartOptions { Args = args });
            await app.StartAsync();
            foreach (var address in app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [])
            {
                Console.WriteLine($"LeadScoring host listening on {address} (health: {address}/api/health)");
            }

            await app.WaitForShutdownAsync();
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync($"Configuration error: {failure}");
            }

            return 1;
        }
        catch (InvalidDataException ex)
        {
            await Console.Error.WriteLineAsync($"Configuration error: {ex.Message}");
            return 1;
        }
        catch (IOException ex) when (ex.InnerException is Microsoft.AspNetCore.Connections.AddressInUseException || ex.Message.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            await Console.Error.WriteLineAsync($"Start-up error: {ex.Message} Stop the other process, or choose a port with Host.LocalHttpPort in local.settings.json or --urls.");
            return 1;
        }
    }
}
