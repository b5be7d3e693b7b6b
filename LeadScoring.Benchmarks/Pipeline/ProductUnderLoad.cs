using System.Globalization;
using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator;

namespace LeadScoring.Benchmarks.Pipeline;

/// <summary>
/// The whole product on loopback, as in the end-to-end tests but with the host as a real Release process: Azurite
/// (<see cref="AzuriteProcess"/>: free ports, in memory or on disk), the HubSpot emulator in this process (<see cref="EmulatorServer"/>) with its webhooks aimed at the host, and the host
/// (<see cref="HostProcess"/>: <c>dotnet LeadScoring.LocalHost.dll</c>, the local Functions host) configured through environment variables only. Dispose stops all three.
/// </summary>
internal sealed class ProductUnderLoad : IAsyncDisposable
{
    public const string AdminKey = "bench-admin-key-00000000001";

    private readonly List<IAsyncDisposable> _owned = [];

    private ProductUnderLoad(string workDirectory) => WorkDirectory = workDirectory;

    /// <summary>Host.json copy, logs.</summary>
    public string WorkDirectory { get; }

    public ChildProcess Azurite { get; private set; } = null!;

    public string StorageConnectionString { get; private set; } = "";

    public EmulatorServer Emulator { get; private set; } = null!;

    public EmulatorOptions EmulatorOptions => Emulator.Options;

    public ChildProcess Host { get; private set; } = null!;

    public Uri HostAddress { get; private set; } = null!;

    /// <summary>When the host first answered /api/health (the end of its start-up).</summary>
    public DateTimeOffset HostReadyAt { get; private set; }

    public Uri WebhookUri => new(HostAddress, "/api/hubspot/webhooks");

    public string StoragePrefix { get; } = "pb" + Guid.NewGuid().ToString("N")[..8];

    public string ScoreQueueName => $"{StoragePrefix}score-requests";

    /// <summary>Talks to the emulator (admin endpoints and, with the bearer token, its HubSpot API).</summary>
    public HttpClient EmulatorClient => Emulator.Client;

    /// <summary>The host to run: <paramref name="given"/> (<c>--host-dll</c>) or the repository's Release build; it must exist.</summary>
    public static string HostDll(string repositoryRoot, string? given)
    {
        var hostDll = Path.GetFullPath(given ?? Path.Combine(repositoryRoot, "LeadScoring.LocalHost", "bin", "Release", "net10.0", "LeadScoring.LocalHost.dll"));
        if (!File.Exists(hostDll))
        {
            throw new InvalidOperationException(
                $"{hostDll} does not exist: build the host first (dotnet build LeadScoring.LocalHost/LeadScoring.LocalHost.csproj -c Release), or give --host-dll.");
        }

        return hostDll;
    }

    /// <summary>Starts Azurite only (the storage probe runs before the rest).</summary>
    public static async Task<ProductUnderLoad> StartStorageAsync(string repositoryRoot, bool onDisk, TextWriter log, CancellationToken cancellationToken)
    {
        var product = new ProductUnderLoad(Directory.CreateTempSubdirectory("leadscoring-pbench-").FullName);
        try
        {
            await product.StartAzuriteAsync(repositoryRoot, onDisk, log, cancellationToken);
            return product;
        }
        catch
        {
            await product.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts the emulator (webhooks to a free port) and then the host process on that port, as <c>--pipeline</c> runs them.</summary>
    public Task StartEmulatorAndHostAsync(string repositoryRoot, string hostDll, int contacts, int rateLimit, TextWriter log, CancellationToken cancellationToken) =>
        StartEmulatorAndHostAsync(repositoryRoot, hostDll, ProductSetup.Pipeline(contacts, rateLimit), log, cancellationToken);

    /// <summary>Starts the emulator (webhooks to a free port) and then the host process on that port.</summary>
    public async Task StartEmulatorAndHostAsync(string repositoryRoot, string hostDll, ProductSetup setup, TextWriter log, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(setup);
        var hostPort = Ports.Free();
        HostAddress = new Uri($"http://127.0.0.1:{hostPort}");

        var options = new EmulatorOptions
        {
            Contacts = setup.Contacts,
            RateLimit = setup.RateLimit,
            SearchRateLimit = setup.SearchRateLimit,
            DailyLimit = setup.DailyLimit,
            FaultRate = setup.FaultRate,
            WebhookUrl = WebhookUri,
            WebhookRetryScale = setup.WebhookRetryScale,
        };
        var started = DateTime.UtcNow;
        Emulator = await EmulatorServer.StartAsync(options, cancellationToken);
        _owned.Add(Emulator);
        Emulator.Client.Timeout = TimeSpan.FromSeconds(60);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"  emulator on {Emulator.Address} ({setup.Contacts} contacts seeded in {(DateTime.UtcNow - started).TotalSeconds:0.0} s, rate limit {setup.RateLimit}/10 s, search {setup.SearchRateLimit}/s)"));

        File.Copy(Path.Combine(repositoryRoot, "host.json"), Path.Combine(WorkDirectory, "host.json"), overwrite: true);
        var environment = Emulator.HostSettings();
        environment["urls"] = HostAddress.ToString().TrimEnd('/');
        environment["AzureWebJobsStorage"] = StorageConnectionString;
        environment["HUBSPOT_PORTAL_ID"] = EmulatorOptions.PortalId.ToString(CultureInfo.InvariantCulture);
        environment["LEAD_SCORE_API_KEYS"] = $"Admin={AdminKey};Manager=bench-manager-key-000000001;Rep=bench-rep-key-0000000000001;Marketing=bench-marketing-key-0000001";
        environment["LEAD_SCORE_STORAGE_PREFIX"] = StoragePrefix;
        // The client's budget starts at the portal's limit instead of learning it from the first response.
        environment["HubSpot__RequestsPer10Seconds"] = setup.RateLimit.ToString(CultureInfo.InvariantCulture);
        foreach (var (name, value) in setup.HostEnvironment)
        {
            environment[name] = value;
        }

        var host = await HostProcess.StartAsync(hostDll, WorkDirectory, environment, cancellationToken);
        _owned.Add(host);
        Host = host.Process;
        HostReadyAt = host.ReadyAt;

        await log.WriteLineAsync($"  host {hostDll} on {HostAddress} ({Host}, storage prefix {StoragePrefix}, log {Host.LogPath})");
    }

    /// <summary>Every contact id of the emulator's portal, in id order (its HubSpot list API, 100 per page).</summary>
    public async Task<List<long>> ContactIdsAsync(CancellationToken cancellationToken)
    {
        var ids = new List<long>();
        long? after = null;
        for (var page = 0; page < 100_000; page++)
        {
            var uri = after is null ? "/crm/v3/objects/contacts?limit=100" : $"/crm/v3/objects/contacts?limit=100&after={after}";
            var json = JsonNode.Parse(await EmulatorClient.GetStringAsync(new Uri(uri, UriKind.Relative), cancellationToken))!;
            ids.AddRange(json["results"]!.AsArray().Select(r => long.Parse((string)r!["id"]!, CultureInfo.InvariantCulture)));
            var next = (string?)json["paging"]?["next"]?["after"];
            if (next is null)
            {
                break;
            }

            after = long.Parse(next, CultureInfo.InvariantCulture);
        }

        return ids;
    }

    /// <summary>When the product first wrote <paramref name="property"/> on the contact (emulator clock = machine clock), or null.</summary>
    public async Task<DateTimeOffset?> FirstWriteAsync(long contactId, string property, CancellationToken cancellationToken) =>
        (await WritesAsync(contactId, cancellationToken)).FirstOrDefault(w => w.Property == property)?.At;

    /// <summary>
    /// Every contact id of the emulator's portal, in id order, from its admin ground truth: unlike <see cref="ContactIdsAsync"/>
    /// this costs no HubSpot API call (none is logged or counted against the rate limit).
    /// </summary>
    public async Task<List<long>> ContactIdsUnloggedAsync(CancellationToken cancellationToken)
    {
        var json = JsonNode.Parse(await EmulatorClient.GetStringAsync(new Uri("/_emulator/ground-truth", UriKind.Relative), cancellationToken))!;
        return [.. json["contacts"]!.AsObject().Select(p => long.Parse(p.Key, CultureInfo.InvariantCulture)).Order()];
    }

    /// <summary>When the product first wrote <paramref name="property"/> on the contact at or after <paramref name="after"/>, or null.</summary>
    public async Task<DateTimeOffset?> FirstWriteAfterAsync(long contactId, string property, DateTimeOffset after, CancellationToken cancellationToken) =>
        (await WritesAsync(contactId, cancellationToken)).Where(w => w.Property == property).Select(w => (DateTimeOffset?)w.At).FirstOrDefault(at => at >= after);

    /// <summary>The emulator's log of HubSpot API requests (the last 50,000).</summary>
    public Task<List<ApiRequest>> ApiRequestsAsync(CancellationToken cancellationToken) => Emulator.RequestsAsync(cancellationToken: cancellationToken);

    public Task ClearApiRequestsAsync(CancellationToken cancellationToken) => Emulator.ClearRequestsAsync(cancellationToken);

    /// <summary>The host's /api/health body (status and a reason per check).</summary>
    public async Task<string> HealthAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { BaseAddress = HostAddress, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(new Uri("/api/health", UriKind.Relative), cancellationToken);
        return await response.Content.ReadAsStringAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            try
            {
                await _owned[i].DisposeAsync();
            }
            catch (Exception ex) when (ex is InvalidOperationException or IOException or OperationCanceledException or ObjectDisposedException)
            {
                // Best effort: stop the rest regardless.
            }
        }
    }

    private async Task StartAzuriteAsync(string repositoryRoot, bool onDisk, TextWriter log, CancellationToken cancellationToken)
    {
        var azurite = await AzuriteProcess.StartAsync(WorkDirectory, onDisk, repositoryRoot, cancellationToken);
        _owned.Add(azurite);
        Azurite = azurite.Process;
        StorageConnectionString = azurite.ConnectionString;
        await log.WriteLineAsync($"  azurite {(onDisk ? "on disk (" + azurite.DataFolder + ")" : "in memory")} on 127.0.0.1:{azurite.Ports.Blob}/{azurite.Ports.Queue}/{azurite.Ports.Table} ({Azurite})");
    }

    private Task<List<PropertyWrite>> WritesAsync(long contactId, CancellationToken cancellationToken) =>
        Emulator.WritesAsync(contactId.ToString(CultureInfo.InvariantCulture), cancellationToken);
}

/// <summary>
/// What <see cref="ProductUnderLoad"/> starts: the emulator's portal and limits, and the host's settings beyond the
/// wiring (storage, URLs, keys, rate budget), which <see cref="HostEnvironment"/> adds to or overrides.
/// </summary>
internal sealed record ProductSetup
{
    /// <summary>Contacts the emulator seeds.</summary>
    public required int Contacts { get; init; }

    /// <summary>The emulator's HubSpot requests per rolling 10 s (the host's budget starts at it too).</summary>
    public required int RateLimit { get; init; }

    /// <summary>The emulator's search requests per second (HubSpot: 5).</summary>
    public int SearchRateLimit { get; init; } = 50;

    public int DailyLimit { get; init; } = 1_000_000_000;

    /// <summary>Share of HubSpot calls the emulator fails at random (502/503/504 or a hang), from its seed.</summary>
    public double FaultRate { get; init; }

    /// <summary>Multiplies the emulator's webhook retry delays (HubSpot's minutes become milliseconds).</summary>
    public double WebhookRetryScale { get; init; } = 0.002;

    /// <summary>Host environment variables (e.g. LEAD_SCORE_INITIAL_RESCORE), added to the wiring or overriding it.</summary>
    public IReadOnlyDictionary<string, string> HostEnvironment { get; init; } = new Dictionary<string, string>();

    /// <summary>What <c>--pipeline</c> runs: only webhooks drive scoring, so neither the timer's batch nor the fresh install's whole-portal rescore runs.</summary>
    public static ProductSetup Pipeline(int contacts, int rateLimit) => new()
    {
        Contacts = contacts,
        RateLimit = rateLimit,
        HostEnvironment = new Dictionary<string, string>
        {
            // The batch rescore must not fire during the run: only webhooks drive scoring here.
            ["LEAD_SCORE_UPDATE_INTERVAL"] = "24h",
            // A fresh install scores the whole portal at start-up; here that would score the measured contacts before their webhooks.
            ["LEAD_SCORE_INITIAL_RESCORE"] = "false",
        },
    };
}

