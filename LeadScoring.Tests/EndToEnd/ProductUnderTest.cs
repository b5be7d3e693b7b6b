using System.Globalization;
using System.Text;
using LeadScoring.Core.HubSpot;
using LeadScoring.HubSpotEmulator;
using LeadScoring.Tests.Contract;
using LeadScoring.Tests.Host;
using Microsoft.Extensions.DependencyInjection;

namespace LeadScoring.Tests.EndToEnd;

/// <summary>
/// The whole product on loopback: Azurite (shared by the run, own queue/table names), the HubSpot emulator with its
/// webhooks pointed at the host, and the host itself — all started here and stopped on dispose.
/// </summary>
internal sealed class ProductUnderTest : IAsyncDisposable
{
    private ProductUnderTest(EmulatorServer emulator, TestHost host)
    {
        Emulator = emulator;
        Host = host;
    }

    public EmulatorServer Emulator { get; }

    public TestHost Host { get; }

    public static async Task<ProductUnderTest> StartAsync(
        int contacts = 40, int rateLimit = 1000, double faultRate = 0, IDictionary<string, string?>? extraSettings = null, Action<IServiceCollection>? services = null)
    {
        var (emulator, settings) = await StartEmulatorAsync(contacts, rateLimit, faultRate, extraSettings);
        try
        {
            return new ProductUnderTest(emulator, await TestHost.Configure().With(settings).WithServices(services).StartAsync());
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts the emulator with webhooks aimed at a free port, and returns the settings a host on that port needs
    /// (in-process via <see cref="TestHost"/>, or as a process).
    /// </summary>
    public static async Task<(EmulatorServer Emulator, Dictionary<string, string?> Settings)> StartEmulatorAsync(
        int contacts, int rateLimit = 1000, double faultRate = 0, IDictionary<string, string?>? extraSettings = null)
    {
        var hostPort = Ports.Free();
        var emulator = await EmulatorServer.StartAsync(new EmulatorOptions
        {
            Contacts = contacts,
            RateLimit = rateLimit,
            SearchRateLimit = 50,
            FaultRate = faultRate,
            WebhookUrl = new Uri($"http://127.0.0.1:{hostPort}/api/hubspot/webhooks"),
            WebhookRetryScale = 0.002,
            FaultHang = TimeSpan.FromSeconds(2),
        });
        var settings = TestHost.ValidSettings();
        settings["urls"] = $"http://127.0.0.1:{hostPort}";
        foreach (var (key, value) in emulator.HostSettings().Concat(extraSettings ?? new Dictionary<string, string?>()))
        {
            settings[key] = value;
        }

        return (emulator, settings);
    }

    /// <summary>All seeded contact ids, oldest modification first.</summary>
    public Task<List<string>> ContactIdsAsync() => ContactIdsAsync(Emulator);

    public static async Task<List<string>> ContactIdsAsync(EmulatorServer emulator)
    {
        await using var services = emulator.ClientServices();
        var client = (HubSpotClient)services.GetService(typeof(HubSpotClient))!;
        return [.. (await HubSpotClientContractTests.ToListAsync(client.SearchModifiedSinceAsync("contacts", DateTimeOffset.UnixEpoch, []))).Select(c => c.Id)];
    }

    /// <summary>The last ai_lead_score the product wrote on a contact, or null.</summary>
    public Task<string?> WrittenScoreAsync(string contactId) => WrittenScoreAsync(Emulator, contactId);

    public static async Task<string?> WrittenScoreAsync(EmulatorServer emulator, string contactId) =>
        (await emulator.WritesAsync(contactId)).LastOrDefault(w => w.Property == LeadScoreProperties.Score)?.Value;

    /// <summary>Polls until every contact has a written score, or fails after the timeout.</summary>
    public Task WaitUntilScoredAsync(IEnumerable<string> contactIds, TimeSpan timeout) => WaitUntilScoredAsync(Emulator, contactIds, timeout);

    public static async Task WaitUntilScoredAsync(EmulatorServer emulator, IEnumerable<string> contactIds, TimeSpan timeout)
    {
        var pending = contactIds.ToHashSet();
        var deadline = DateTime.UtcNow + timeout;
        while (pending.Count > 0)
        {
            foreach (var id in pending.ToList())
            {
                if (await WrittenScoreAsync(emulator, id) is not null)
                {
                    pending.Remove(id);
                }
            }

            if (pending.Count == 0)
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"{pending.Count} contact(s) not scored within {timeout}: {string.Join(", ", pending.Take(10))}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Posts a webhook batch to the host, signed as HubSpot would (or with the given secret).</summary>
    public Task<HttpResponseMessage> PostWebhookAsync(string json, string? secret = null) =>
        PostSignedWebhookAsync(Host.Client, new Uri(Host.Address, "/api/hubspot/webhooks"), json, secret ?? Emulator.Options.ClientSecret);

    public static async Task<HttpResponseMessage> PostSignedWebhookAsync(HttpClient http, Uri uri, string json, string secret)
    {
        var timestamp = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var body = Encoding.UTF8.GetBytes(json);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new("application/json");
        request.Headers.Add("X-HubSpot-Request-Timestamp", timestamp);
        request.Headers.Add("X-HubSpot-Signature-v3", HubSpotWebhookSignature.SignV3("POST", uri.ToString(), body, timestamp, secret));
        return await http.SendAsync(request);
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
