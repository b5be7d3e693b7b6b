using System.Text.Json;
using LeadScoring.Core.Monitoring;
using LeadScoring.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LeadScoring.Tests.Host;

/// <summary>Health says <c>degraded</c> when work piles up or slows down past the thresholds the settings give, and names the setting.</summary>
[TestFixture]
[NonParallelizable]
internal sealed class HealthThresholdsTests : HostFixture
{
    protected override TestHostBuilder Configure(TestHostBuilder host) =>
        host.With("LEAD_SCORE_HEALTH_MAX_BACKLOG", "2").With("LEAD_SCORE_HEALTH_MAX_P95", "0.2s");

    [Test]
    public async Task Health_BacklogAboveTheSetting_IsDegradedNamingIt()
    {
        var queue = Host.Services.GetRequiredService<ScoreRequestQueue>();
        for (var i = 0; i < 20; i++)
        {
            await queue.EnqueueAsync(new ScoreRequest(ScoreRequestKind.Contact, $"{70_000 + i}", "test", DateTimeOffset.UtcNow));
        }

        var pipeline = await PipelineCheckAsync();

        Assert.That(pipeline.GetProperty("status").GetString(), Is.EqualTo("degraded"));
        Assert.That(pipeline.GetProperty("description").GetString(), Does.Contain("above LEAD_SCORE_HEALTH_MAX_BACKLOG = 2"));
    }

    [Test]
    public async Task Health_ScoringP95AboveTheSetting_IsDegradedNamingIt()
    {
        var metrics = Host.Services.GetRequiredService<LeadScoringMetrics>();
        for (var i = 0; i < 20; i++)
        {
            metrics.LeadsScored(10, TimeSpan.FromMilliseconds(900));
        }

        var pipeline = await PipelineCheckAsync();

        Assert.That(pipeline.GetProperty("status").GetString(), Is.EqualTo("degraded"));
        Assert.That(pipeline.GetProperty("description").GetString(), Does.Contain("above LEAD_SCORE_HEALTH_MAX_P95 = 200 ms"));
    }

    private async Task<JsonElement> PipelineCheckAsync()
    {
        using var response = await Host.SendAsync(HttpMethod.Get, "/api/health", TestHost.AdminKey);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("checks").GetProperty("pipeline").Clone();
    }
}
