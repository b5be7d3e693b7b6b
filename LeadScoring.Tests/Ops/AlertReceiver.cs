using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using LeadScoring.HubSpotEmulator;
using LeadScoring.Tests.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LeadScoring.Tests.Ops;

/// <summary>A local stand-in for a Teams / Slack incoming webhook: records the <c>text</c> of every post.</summary>
internal sealed class AlertReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private AlertReceiver(WebApplication app) => _app = app;

    public Uri Url { get; private set; } = null!;

    public ConcurrentQueue<string> Texts { get; } = new();

    public static async Task<AlertReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(EmulatorServer.AnyPort);
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new AlertReceiver(app);
        app.MapPost("/incoming", async (HttpRequest request) =>
        {
            var body = await JsonNode.ParseAsync(request.Body);
            receiver.Texts.Enqueue((string?)body?["text"] ?? "(no text)");
            return Results.Ok();
        });
        await app.StartAsync();
        receiver.Url = new Uri(EmulatorApp.Address(app), "/incoming");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
