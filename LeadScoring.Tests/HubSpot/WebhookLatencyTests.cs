using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Pipeline;
using LeadScoring.Tests.Contract;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace LeadScoring.Tests.HubSpot;

/// <summary>Where a webhook's lead spends its time: one line per lead, stage by stage, and nothing kept once it is reported.</summary>
[TestFixture]
public sealed class WebhookLatencyTests
{
    private CapturedLogs _logs = null!;
    private ILoggerFactory _factory = null!;

    [SetUp]
    public void CaptureLogs()
    {
        _logs = new CapturedLogs();
        _factory = LoggerFactory.Create(b => b.AddProvider(_logs));
    }

    [TearDown]
    public void StopCapturing()
    {
        _factory.Dispose();
        _logs.Dispose();
    }

    [Test]
    public void Done_LeadFollowedFromTheQueue_ReportsEachStageAndForgetsIt()
    {
        var (clock, logs, latency) = Start();
        var queuedAt = clock.GetUtcNow();

        clock.Advance(TimeSpan.FromMilliseconds(400));
        latency.Dequeued(["7"], queuedAt);
        clock.Advance(TimeSpan.FromMilliseconds(250));
        latency.Scheduled(["7"]);
        clock.Advance(TimeSpan.FromMilliseconds(600));
        latency.Started(["7"]);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        latency.Done(["7", "8"], new WebhookWorkTimes(TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(60), new HubSpotCallTimes(), TimeSpan.FromMilliseconds(5),
            TimeSpan.FromMilliseconds(35), new HubSpotCallTimes()));

        var lines = logs.Lines.Where(l => l.Contains("Webhook lead stages", StringComparison.Ordinal)).ToList();
        Assert.That(lines, Has.Count.EqualTo(1), "8 was never dequeued here: not reported");
        Assert.That(lines[0], Does.Contain("total 1350 ms = queue 400 ms, schedule 250 ms, dispatch 600 ms, gather wait 10 ms, gather 60 ms")
            .And.Contain("score 5 ms, write-back 35 ms"));
        Assert.That(latency.Following, Is.Zero);
    }

    [Test]
    public void Dequeued_LeadAlreadyFollowed_KeepsItsEarliestRequest()
    {
        var (clock, logs, latency) = Start();

        latency.Dequeued(["7"], clock.GetUtcNow() - TimeSpan.FromSeconds(1));
        latency.Dequeued(["7"], clock.GetUtcNow());
        ScheduleStartAndFinish(latency, "7");

        Assert.That(logs.Lines.Single(l => l.Contains("Webhook lead stages", StringComparison.Ordinal)), Does.Contain("total 1000 ms = queue 1000 ms"));
    }

    [Test]
    public void Dequeued_FullOfLeadsNeverWrittenHere_ForgetsTheStaleOnesAndFollowsTheNew()
    {
        var (clock, logs, latency) = Start();
        latency.Dequeued(Enumerable.Range(0, WebhookLatency.Capacity).Select(i => $"other-{i}"), clock.GetUtcNow());
        latency.Dequeued(["too-soon"], clock.GetUtcNow());
        Assert.That(latency.Following, Is.EqualTo(WebhookLatency.Capacity), "full, and nothing is stale yet");

        clock.Advance(WebhookLatency.StaleAfter + TimeSpan.FromSeconds(1));
        latency.Dequeued(["7"], clock.GetUtcNow());
        ScheduleStartAndFinish(latency, "7");

        Assert.That(latency.Following, Is.Zero, "the stale leads are forgotten, 7 is reported and forgotten");
        Assert.That(logs.Lines.Count(l => l.Contains("Webhook lead stages", StringComparison.Ordinal)), Is.EqualTo(1));
    }

    private static void ScheduleStartAndFinish(WebhookLatency latency, string id)
    {
        latency.Scheduled([id]);
        latency.Started([id]);
        latency.Done([id], new WebhookWorkTimes(TimeSpan.Zero, TimeSpan.Zero, new HubSpotCallTimes(), TimeSpan.Zero, TimeSpan.Zero, new HubSpotCallTimes()));
    }

    private (FakeTimeProvider Clock, CapturedLogs Logs, WebhookLatency Latency) Start()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));
        return (clock, _logs, new WebhookLatency(clock, _factory.CreateLogger<WebhookLatency>()));
    }
}
