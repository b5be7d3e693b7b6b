using System.Text.Json;
using LeadScoring.Core.Monitoring;
using LeadScoring.Core.Storage;
using Microsoft.Extensions.DependencyInjection;

namespace LeadScoring.Tests.Host;

/// <summary>Health says <c>degraded</c> when work piles up or slows down past the thresholds the settings give, and names the setting.</summary>
[TestFixture]
[NonParallelizable]
internal sealed class HealthThresholdsTests
{
    private TestHost _host = null!;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        var settings = TestHost.ValidSettings();
        settings["LEAD_SCORE_HEALTH_MAX_BACKLOG"] = "2";
        settings["LEAD_SCORE_HEALTH_MAX_P95"] = "0.2s";
        _host = await TestHost.StartAsync(settings);
    }

    [OneTimeTearDown]
    public async Task StopAsync() => await _host.DisposeAsync();

    [Test]
    public async Task Health_BacklogAboveTheSetting_IsDegradedNamingIt()
    {
        var queue = _host.Services.GetRequiredService<ScoreRequestQueue>();
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
        var metrics = _host.Services.GetRequiredService<LeadScoringMetrics>();
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
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/health");
        request.Headers.Add("x-functions-key", TestHost.AdminKey);
        using var response = await _host.Client.SendAsync(request);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("checks").GetProperty("pipeline").Clone();
    }
}
