using LeadScoring.Core.Storage;
using LeadScoring.Functions.Hosting;
using LeadScoring.Functions.Security;
using LeadScoring.LocalHost.Durable;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Configuration.Memory;
using Microsoft.Extensions.Options;

namespace LeadScoring.LocalHost;

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
/// Runs LeadScoring.Functions' functions where the Azure Functions host cannot be installed (ARCHITECTURE.md): the
/// app's own composition root, then every <c>[Function]</c> served as the Functions host would — HTTP routes on port
/// 7071 (Host.LocalHttpPort), queue and timer triggers with host.json's settings, orchestrations and activities on
/// DTFx's Azure Storage backend (the one Durable Functions uses) over AzureWebJobsStorage, through the Durable Task
/// SDK's in-process gRPC sidecar. host.json and local.settings.json mean what they mean to Core Tools.
/// </summary>
internal static class LocalFunctionsHost
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

        var catalog = FunctionCatalog.Read(typeof(AppComposition).Assembly);
        var queueOptions = FunctionsConfiguration.ReadQueueSettings(builder.Configuration);
        var (hubName, partitions, polling, maxActivities, maxOrchestrations, visibility) = FunctionsConfiguration.ReadDurableSettings(builder.Configuration);
        var routePrefix = builder.Configuration[$"{FunctionsConfiguration.HostJsonPrefix}:extensions:http:routePrefix"] ?? "api";
        var schedules = catalog.Of(TriggerKind.TimerTrigger).Select(f => (Entry: f, Schedule: TimerTriggerScheduler.Parse(f.Name, f.Schedule!, builder.Configuration))).ToList();

        builder.AddLeadScoringApp(start.StoragePrefix);
        var durable = new DurableRegistrations();
        builder.Services.AddSingleton(durable);
        builder.Services.AddLocalDurableTask(
            o =>
            {
                o.StorageConnectionString = builder.Configuration[LeadScoring.Core.Settings.LeadScoringSettings.StorageName] ?? "";
                o.TaskHubName = hubName + (start.StoragePrefix.Length > 0 ? start.StoragePrefix : builder.Configuration[LeadScoring.Core.Settings.LeadScoringSettings.StoragePrefixName] ?? "");
                o.PartitionCount = partitions;
                o.MaxQueuePollingInterval = polling;
                o.MaxConcurrentActivities = maxActivities;
                o.MaxConcurrentOrchestrations = maxOrchestrations;
                o.WorkItemVisibilityTimeout = visibility ?? o.WorkItemVisibilityTimeout;
            },
            registry => DurableFunctions.Register(catalog, registry, durable));
        foreach (var entry in catalog.Of(TriggerKind.QueueTrigger))
        {
            builder.Services.AddSingleton<IHostedService>(provider =>
            {
                var storage = provider.GetRequiredService<LeadScoringStorage>();
                var name = storage.Names.Prefix + entry.QueueName;
                return ActivatorUtilities.CreateInstance<QueueTriggerListener>(provider, entry, storage.RawQueue(name), storage.RawQueue($"{name}-poison"), queueOptions);
            });
        }

        foreach (var (entry, schedule) in schedules)
        {
            builder.Services.AddSingleton<IHostedService>(provider => ActivatorUtilities.CreateInstance<TimerTriggerScheduler>(provider, entry, schedule));
        }

        builder.Services.AddSingleton(catalog);
        start.ConfigureServices?.Invoke(builder.Services);

        var app = builder.Build();

        // Listening from the first measurement: start-up's own HubSpot calls count too.
        app.Services.GetRequiredService<LeadScoring.Core.Monitoring.OperationsMonitor>();
        app.UseSecurityHeaders();
        app.MapHttpFunctions(catalog, routePrefix);
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
                Console.WriteLine($"LeadScoring local Functions host listening on {address} (health: {address}/api/health)");
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
