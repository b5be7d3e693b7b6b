using System.Collections.Concurrent;
using LeadScoring.HubSpotEmulator;
using LeadScoring.Tests.Emulator;
using LeadScoring.Tests.Host;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace LeadScoring.Tests.Ops;

/// <summary>With OTEL_EXPORTER_OTLP_ENDPOINT set, metrics and traces leave the host by OTLP (here over http/protobuf to a local collector stand-in).</summary>
[TestFixture]
[NonParallelizable]
internal sealed class OtlpExportTests
{
    [Test]
    public async Task OtlpEndpointSet_ExportsMetricsAndTraces()
    {
        var received = new ConcurrentQueue<string>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(EmulatorServer.AnyPort);
        builder.Logging.ClearProviders();
        await using var collector = builder.Build();
        collector.MapPost("/v1/{signal}", (string signal) =>
        {
            received.Enqueue(signal);
            return Results.Ok();
        });
        await collector.StartAsync();
        await using var host = await TestHost.Configure()
            .With("OTEL_EXPORTER_OTLP_ENDPOINT", EmulatorApp.Address(collector).ToString().TrimEnd('/'))
            .With("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
            .With("OTEL_METRIC_EXPORT_INTERVAL", "500")
            .With("OTEL_BSP_SCHEDULE_DELAY", "200")
            .StartAsync();

        (await host.Client.GetAsync("/api/health")).EnsureSuccessStatusCode();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!(received.Contains("metrics") && received.Contains("traces")) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.That(received.Distinct(), Is.SupersetOf(new[] { "metrics", "traces" }));
    }
}
