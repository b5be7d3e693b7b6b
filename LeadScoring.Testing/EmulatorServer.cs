using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator;
using LeadScoring.HubSpotEmulator.Simulation;
using Microsoft.AspNetCore.Builder;

namespace LeadScoring.Testing;

/// <summary>
/// The HubSpot emulator started in this process (<see cref="EmulatorApp.StartAsync"/>) on a free loopback port, with
/// clients for its API and its admin endpoints and readers of what it recorded (requests, writes, enrollments).
/// Dispose to stop it.
/// </summary>
public sealed class EmulatorServer : IAsyncDisposable
{
    /// <summary>A loopback address on a port the OS picks.</summary>
    public const string AnyPort = "http://127.0.0.1:0";

    private readonly WebApplication _app;

    private EmulatorServer(WebApplication app, EmulatorOptions options)
    {
        _app = app;
        Options = options;
        Address = EmulatorApp.Address(app);
        Client = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(30) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.AccessToken);
        Admin = new HttpClient { BaseAddress = Address };
    }

    /// <summary>What it was started with (<see cref="EmulatorOptions.Urls"/> is <see cref="AnyPort"/>).</summary>
    public EmulatorOptions Options { get; }

    public Uri Address { get; }

    /// <summary>Calls its HubSpot API as the product does: <c>Authorization: Bearer</c> with the static token.</summary>
    public HttpClient Client { get; }

    /// <summary>Talks to /_emulator/… (no auth).</summary>
    public HttpClient Admin { get; }

    /// <summary>Starts an emulator of <paramref name="options"/> (default: the emulator's defaults) on <see cref="AnyPort"/>, whatever its Urls say.</summary>
    public static async Task<EmulatorServer> StartAsync(EmulatorOptions? options = null, CancellationToken cancellationToken = default)
    {
        var o = (options ?? new EmulatorOptions()) with { Urls = AnyPort };
        return new EmulatorServer(await EmulatorApp.StartAsync(o, cancellationToken), o);
    }

    /// <summary>The host settings that aim the product at this emulator: its address, token, webhook secret and workflow.</summary>
    public Dictionary<string, string?> HostSettings() => new()
    {
        ["HUBSPOT_BASE_URL"] = Address.ToString(),
        ["HUBSPOT_ACCESS_TOKEN"] = Options.AccessToken,
        ["HUBSPOT_CLIENT_SECRET"] = Options.ClientSecret,
        ["HUBSPOT_HIGH_PRIORITY_WORKFLOW_ID"] = Options.WorkflowId.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>API requests it logged (the last 50,000) whose path contains <paramref name="pathContains"/> and whose method is <paramref name="method"/> (empty: any).</summary>
    public async Task<List<ApiRequest>> RequestsAsync(string pathContains = "", string method = "", CancellationToken cancellationToken = default)
    {
        var json = await Admin.GetFromJsonAsync<JsonObject>(
            new Uri($"/_emulator/requests?pathContains={Uri.EscapeDataString(pathContains)}&method={method}", UriKind.Relative), cancellationToken);
        return [.. json!["results"]!.AsArray().Select(r => new ApiRequest(
            (string)r!["method"]!, (string)r["path"]!, (int)r["status"]!, Time(r["at"]), (double)r["durationMs"]!))];
    }

    /// <summary>Lets this emulator's portal live through time (<see cref="SimulatedPortal"/>); start it with a <see cref="SimulationClock"/>.</summary>
    public SimulatedPortal Simulate(SimulationOptions options) => SimulatedPortal.For(_app, options);

    public async Task ClearRequestsAsync(CancellationToken cancellationToken = default) =>
        (await Admin.DeleteAsync(new Uri("/_emulator/requests", UriKind.Relative), cancellationToken)).EnsureSuccessStatusCode();

    public async Task AddFaultAsync(int status, int count, string? pathContains = null, int? retryAfterSeconds = null, int? hangSeconds = null)
    {
        var body = new JsonObject { ["status"] = status, ["count"] = count, ["pathContains"] = pathContains, ["retryAfterSeconds"] = retryAfterSeconds, ["hangSeconds"] = hangSeconds };
        (await Admin.PostAsJsonAsync("/_emulator/faults", body)).EnsureSuccessStatusCode();
    }

    public async Task ClearFaultsAsync() => (await Admin.DeleteAsync("/_emulator/faults")).EnsureSuccessStatusCode();

    /// <summary>What the API wrote on a contact, oldest first.</summary>
    public async Task<List<PropertyWrite>> WritesAsync(string contactId, CancellationToken cancellationToken = default)
    {
        var json = await Admin.GetFromJsonAsync<JsonObject>(new Uri($"/_emulator/contacts/{contactId}/writes", UriKind.Relative), cancellationToken);
        return [.. json!["writes"]!.AsArray().Select(w => new PropertyWrite((string)w!["property"]!, (string?)w["value"], Time(w["at"])))];
    }

    public async Task<List<(long WorkflowId, string ContactId)>> EnrollmentsAsync()
    {
        var json = await Admin.GetFromJsonAsync<JsonObject>("/_emulator/workflows/enrollments");
        return [.. json!["results"]!.AsArray().Select(e => ((long)e!["workflowId"]!, (string)e["contactId"]!))];
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        Admin.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static DateTimeOffset Time(JsonNode? at) => DateTimeOffset.Parse((string)at!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
}

/// <summary>One HubSpot API request as the emulator logged it; <see cref="At"/> is when it arrived.</summary>
public sealed record ApiRequest(string Method, string Path, int Status, DateTimeOffset At, double DurationMs);

/// <summary>One property value the API wrote on a record, and when.</summary>
public sealed record PropertyWrite(string Property, string? Value, DateTimeOffset At);
