using LeadScoring.LocalHost;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace LeadScoring.Tests.Host;

/// <summary>
/// The real host on a free loopback port, with settings of the test's choosing and none from the machine's
/// environment: <c>TestHost.StartAsync()</c> for a valid local run, <see cref="Configure"/> for one that differs.
/// Dispose to stop it.
/// </summary>
internal sealed class TestHost : IAsyncDisposable
{
    public const string AdminKey = "test-admin-key-0000000001";
    public const string ManagerKey = "test-manager-key-000000001";
    public const string RepKey = "test-rep-key-0000000000001";
    public const string MarketingKey = "test-marketing-key-0000001";

    private readonly WebApplication _app;
    private readonly string _root;
    private readonly IAsyncDisposable? _ownStorage;

    private TestHost(WebApplication app, string root, Uri address, IAsyncDisposable? ownStorage)
    {
        _app = app;
        _root = root;
        _ownStorage = ownStorage;
        Address = address;
        Client = new HttpClient { BaseAddress = address };
    }

    public Uri Address { get; }

    public HttpClient Client { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Settings a valid local run has; <see cref="TestHostBuilder"/> starts from them.</summary>
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

    /// <summary>A host of <see cref="ValidSettings"/> on the test run's Azurite.</summary>
    public static Task<TestHost> StartAsync() => Configure().StartAsync();

    /// <summary>A host that differs from a valid local run: say how, then <see cref="TestHostBuilder.StartAsync"/>.</summary>
    public static TestHostBuilder Configure() => new();

    public static string NewStoragePrefix() => "h" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Sends a request with <c>x-functions-key: <paramref name="key"/></c> (no key header when null).</summary>
    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? key, HttpContent? content = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (key is not null)
        {
            request.Headers.Add("x-functions-key", key);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>
    /// Builds and starts the host; the app root is a fresh folder holding the repository's host.json. The storage
    /// setting UseDevelopmentStorage=true means the test run's Azurite, with queue and table names of this host's own.
    /// </summary>
    internal static async Task<TestHost> StartAsync(TestHostBuilder setup)
    {
        var root = Directory.CreateTempSubdirectory("leadscoring-host-").FullName;
        AzuriteProcess? ownStorage = null;
        WebApplication? app = null;
        try
        {
            File.Copy(Path.Combine(AppContext.BaseDirectory, "host.json"), Path.Combine(root, "host.json"));
            if (setup.LocalSettingsJson is not null)
            {
                await File.WriteAllTextAsync(Path.Combine(root, "local.settings.json"), setup.LocalSettingsJson);
            }

            var all = new Dictionary<string, string?>(setup.Settings) { ["AzureWebJobsScriptRoot"] = root };
            if (setup.StorageStoppedAfterStart)
            {
                ownStorage = await Infrastructure.Azurite.StartOwnAsync();
                all["AzureWebJobsStorage"] = ownStorage.ConnectionString;
            }
            else if (all.GetValueOrDefault("AzureWebJobsStorage") == "UseDevelopmentStorage=true")
            {
                all["AzureWebJobsStorage"] = await Infrastructure.Azurite.ConnectionStringAsync();
            }

            // A shared prefix makes two hosts one deployment's instances (or one host restarted).
            app = LocalFunctionsHost.Build(new HostStartOptions
            {
                Settings = all, UseProcessEnvironment = false, StoragePrefix = setup.StoragePrefix ?? NewStoragePrefix(), ConfigureServices = setup.Services,
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
            var host = new TestHost(app, root, new Uri(address), ownStorage);
            if (ownStorage is not null)
            {
                await ownStorage.DisposeAsync();
            }

            return host;
        }
        catch
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }

            if (ownStorage is not null)
            {
                await ownStorage.DisposeAsync();
            }

            Directory.Delete(root, recursive: true);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        if (_ownStorage is not null)
        {
            await _ownStorage.DisposeAsync();
        }

        Directory.Delete(_root, recursive: true);
    }
}
