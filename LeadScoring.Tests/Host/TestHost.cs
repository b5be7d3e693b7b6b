using LeadScoring.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LeadScoring.Tests.Host;

/// <summary>
/// The real host on a free loopback port, with settings of the test's choosing and none from the machine's
/// environment. Dispose to stop it.
/// </summary>
internal sealed class TestHost : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0000000001";
    public const string ManagerKey = "test-manager-key-000000001";
    public const string RepKey = "test-rep-key-0000000000001";
    public const string MarketingKey = "test-marketing-key-0000001";

    private readonly WebApplication _app;
    private readonly string _root;

    private TestHost(WebApplication app, string root, Uri address)
    {
        _app = app;
        _root = root;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Settings a valid local run has; tests override or remove entries.</summary>
    public static Dictionary<string, string?> ValidSettings() => new()
    {
        ["urls"] = "http://127.0.0.1:0",
        ["AzureWebJobsStorage"] = "UseDevelopmentStorage=true",
        ["HUBSPOT_ACCESS_TOKEN"] = "test-token",
        ["HUBSPOT_BASE_URL"] = "http://127.0.0.1:9",

        // Tests decide when a batch runs; the product's default scores a fresh install at start-up.
        ["LEAD_SCORE_INITIAL_RESCORE"] = "false",
        ["LEAD_SCORE_API_KEYS"] = $"Admin={AdminKey};Manager={ManagerKey};Rep={RepKey};Marketing={MarketingKey}",
    };

    /// <summary>
    /// Builds and starts the host; the app root is a fresh folder holding the repository's host.json. The storage
    /// setting UseDevelopmentStorage=true means the test run's Azurite, with queue and table names of this host's own.
    /// </summary>
    public static async Task<TestHost> StartAsync(IDictionary<string, string?>? settings = null, string? localSettingsJson = null, Action<IServiceCollection>? services = null, string? storagePrefix = null)
    {
        var root = Directory.CreateTempSubdirectory("leadscoring-host-").FullName;
        File.Copy(Path.Combine(AppContext.BaseDirectory, "host.json"), Path.Combine(root, "host.json"));
        if (localSettingsJson is not null)
        {
            await File.WriteAllTextAsync(Path.Combine(root, "local.settings.json"), localSettingsJson);
        }

        var all = new Dictionary<string, string?>(settings ?? ValidSettings()) { ["AzureWebJobsScriptRoot"] = root };
        if (all.GetValueOrDefault("AzureWebJobsStorage") == "UseDevelopmentStorage=true")
        {
            all["AzureWebJobsStorage"] = await Infrastructure.Azurite.ConnectionStringAsync();
        }

        // A shared prefix makes two hosts one deployment's instances (or one host restarted).
        var prefix = storagePrefix ?? NewStoragePrefix();
        var app = LocalFunctionsHost.Build(new HostStartOptions { Settings = all, UseProcessEnvironment = false, StoragePrefix = prefix, ConfigureServices = services });
        try
        {
            await app.StartAsync();
        }
        catch
        {
            await app.DisposeAsync();
            Directory.Delete(root, recursive: true);
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new TestHost(app, root, new Uri(address));
    }

    public static string NewStoragePrefix() => "h" + Guid.NewGuid().ToString("N")[..8];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }
}
