using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LeadScoring.Tests.Emulator;

/// <summary>One webhook request as received: raw body, parsed events and the signature headers.</summary>
internal sealed record ReceivedDelivery(string Body, JsonArray Events, string? SignatureV3, string? Timestamp, string? SignatureV2, string? SignatureVersion, int AnsweredStatus);

/// <summary>A small Kestrel endpoint that records webhook deliveries and answers 200, or 500 while told to fail.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;

    private WebhookReceiver(WebApplication app, Uri url)
    {
        _app = app;
        Url = url;
    }

    public Uri Url { get; }

    public ConcurrentQueue<ReceivedDelivery> Deliveries { get; } = new();

    public IEnumerable<JsonNode> Events => Deliveries.SelectMany(d => d.Events).OfType<JsonNode>();

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(EmulatorServer.AnyPort);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        WebhookReceiver? receiver = null;
        app.MapPost("/hubspot/webhooks", async (HttpRequest request) =>
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            var status = Interlocked.Decrement(ref receiver!._failuresLeft) >= 0 ? 500 : 200;
            receiver.Deliveries.Enqueue(new ReceivedDelivery(
                body, JsonNode.Parse(body)!.AsArray(), request.Headers["X-HubSpot-Signature-v3"], request.Headers["X-HubSpot-Request-Timestamp"],
                request.Headers["X-HubSpot-Signature"], request.Headers["X-HubSpot-Signature-Version"], status));
            return Results.StatusCode(status);
        });
        await app.StartAsync();
        // A query string too, because HubSpot signs the full URL and receivers get that part wrong most often.
        receiver = new WebhookReceiver(app, new Uri(EmulatorApp.Address(app), "/hubspot/webhooks?code=abc"));
        return receiver;
    }

    /// <summary>The next <paramref name="count"/> deliveries are answered 500.</summary>
    public void FailNext(int count) => Volatile.Write(ref _failuresLeft, count);

    /// <summary>Waits (up to 10 s) until an event matching <paramref name="match"/> arrived.</summary>
    public async Task<JsonNode> WaitForEventAsync(Func<JsonNode, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline)
        {
            if (Events.FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException("No matching webhook event arrived within 10 s.");
    }

    public static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("The webhook condition was not met within 10 s.");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
