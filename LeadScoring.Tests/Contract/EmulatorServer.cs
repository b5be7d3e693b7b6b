using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Settings;
using LeadScoring.HubSpotEmulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadScoring.Tests.Contract;

/// <summary>
/// The HubSpot emulator started in-process on a free port, plus helpers to read its admin log and to build the
/// product's real <see cref="HubSpotClient"/> (the production DI registration) pointed at it.
/// </summary>
internal sealed class EmulatorServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private EmulatorServer(WebApplication app, EmulatorOptions options)
    {
        _app = app;
        Options = options;
        Address = EmulatorApp.Address(app);
        Admin = new HttpClient { BaseAddress = Address };
    }

    public Uri Address { get; }

    public EmulatorOptions Options { get; }

    /// <summary>Talks to /_emulator/… (no auth).</summary>
    public HttpClient Admin { get; }

    public static async Task<EmulatorServer> StartAsync(EmulatorOptions? options = null)
    {
        var o = options ?? new EmulatorOptions();
        o = new EmulatorOptions
        {
            Urls = "http://127.0.0.1:0", Seed = o.Seed, Contacts = o.Contacts, AccessToken = o.AccessToken, WebhookUrl = o.WebhookUrl,
            ClientId = o.ClientId, ClientSecret = o.ClientSecret, RefreshToken = o.RefreshToken, PortalId = o.PortalId, RateLimit = o.RateLimit,
            SearchRateLimit = o.SearchRateLimit, FaultRate = o.FaultRate, WebhookRetryScale = o.WebhookRetryScale, WorkflowId = o.WorkflowId,
            AccessTokenLifetime = o.AccessTokenLifetime, TimeProvider = o.TimeProvider, FaultHang = o.FaultHang, DailyLimit = o.DailyLimit, TimeZone = o.TimeZone,
        };
        return new EmulatorServer(await EmulatorApp.StartAsync(o), o);
    }

    /// <summary>A service provider with the product's HubSpot client registration, aimed at this emulator.</summary>
    public ServiceProvider ClientServices(Action<HubSpotClientOptions>? configure = null, bool oauth = false, Microsoft.Extensions.Logging.ILoggerProvider? logs = null, TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        services.AddLogging(builder =>
        {
            builder.SetMinimumLevel(Microsoft.Extensions.Logging.LogLevel.Trace);
            if (logs is not null)
            {
                builder.AddProvider(logs);
            }
        });
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddOptions<LeadScoringSettings>().Configure(s =>
        {
            s.HubSpotBaseUrl = Address;
            s.HubSpotAccessToken = oauth ? "" : Options.AccessToken;
            s.HubSpotClientId = oauth ? Options.ClientId : null;
            s.HubSpotClientSecret = oauth ? Options.ClientSecret : null;
            s.HubSpotRefreshToken = oauth ? Options.RefreshToken : null;
        });
        services.AddHubSpotClient(o =>
        {
            // Test-sized waits; the behaviour (which responses are retried, how often) is the production one.
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
            o.RateLimitedDelay = TimeSpan.FromMilliseconds(300);
            o.SearchRateLimitedDelay = TimeSpan.FromMilliseconds(300);
            configure?.Invoke(o);
        });
        services.AddTransient<HubSpotLeadReader>();
        return services.BuildServiceProvider();
    }

    /// <summary>API requests the emulator saw whose path contains <paramref name="pathContains"/>.</summary>
    public async Task<List<(string Method, string Path, int Status)>> RequestsAsync(string pathContains = "", string method = "")
    {
        var json = await Admin.GetFromJsonAsync<JsonObject>($"/_emulator/requests?pathContains={Uri.EscapeDataString(pathContains)}&method={method}");
        return [.. json!["results"]!.AsArray().Select(r => ((string)r!["method"]!, (string)r["path"]!, (int)r["status"]!))];
    }

    public async Task ClearRequestsAsync() => (await Admin.DeleteAsync("/_emulator/requests")).EnsureSuccessStatusCode();

    public async Task AddFaultAsync(int status, int count, string? pathContains = null, int? retryAfterSeconds = null)
    {
        var body = new JsonObject { ["status"] = status, ["count"] = count, ["pathContains"] = pathContains, ["retryAfterSeconds"] = retryAfterSeconds };
        (await Admin.PostAsJsonAsync("/_emulator/faults", body)).EnsureSuccessStatusCode();
    }

    public async Task ClearFaultsAsync() => (await Admin.DeleteAsync("/_emulator/faults")).EnsureSuccessStatusCode();

    /// <summary>(property, value) pairs the API wrote on a contact, oldest first.</summary>
    public async Task<List<(string Property, string? Value)>> WritesAsync(string contactId)
    {
        var json = await Admin.GetFromJsonAsync<JsonObject>($"/_emulator/contacts/{contactId}/writes");
        return [.. json!["writes"]!.AsArray().Select(w => ((string)w!["property"]!, (string?)w["value"]))];
    }

    public async Task<List<(long WorkflowId, string ContactId)>> EnrollmentsAsync()
    {
        var json = await Admin.GetFromJsonAsync<JsonObject>("/_emulator/workflows/enrollments");
        return [.. json!["results"]!.AsArray().Select(e => ((long)e!["workflowId"]!, (string)e["contactId"]!))];
    }

    public async ValueTask DisposeAsync()
    {
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
