using LeadScoring.Core.Settings;
using LeadScoring.Core.Storage;
using LeadScoring.Functions.Functions;
using LeadScoring.Tests.Host;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;

namespace LeadScoring.Tests.LocalHost;

/// <summary>
/// The one-minute timer ticks decide when the batch rescore and the retraining are due from the interval settings
/// (Checkpoints table in Azurite); the Durable client is the narrow seam (Moq) that records what was started.
/// </summary>
[TestFixture]
public sealed class TimerFunctionsTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task BatchRescore_FreshInstall_StartsAtTheFirstTick_ThenOnlyOnceTheIntervalHasPassed()
    {
        await using var host = await TestHost.Configure()
            .With("LEAD_SCORE_INITIAL_RESCORE", "true")
            .With("LEAD_SCORE_UPDATE_INTERVAL", "300000") // the seed's bare milliseconds: 5 minutes
            .StartAsync();
        var clock = new FakeTimeProvider(Start);
        var (durable, started) = Durable();
        var timers = Timers(host, clock);

        await timers.BatchRescoreTimerAsync(new(), durable.Object, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(4));
        await timers.BatchRescoreTimerAsync(new(), durable.Object, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(1));
        await timers.BatchRescoreTimerAsync(new(), durable.Object, CancellationToken.None);

        Assert.That(started, Is.EqualTo(new[] { ("BatchRescore", "batch-rescore"), ("BatchRescore", "batch-rescore") }), "at 0 and 5 min, not at 4");
    }

    [Test]
    public async Task BatchRescore_NotAFreshInstall_WaitsAWholeIntervalFirst_AndDoesNotStartASecondRunWhileOneRuns()
    {
        await using var host = await TestHost.Configure().With("LEAD_SCORE_UPDATE_INTERVAL", "15m").StartAsync(); // LEAD_SCORE_INITIAL_RESCORE=false
        var clock = new FakeTimeProvider(Start);
        var (durable, started) = Durable(running: true);
        var timers = Timers(host, clock);

        await timers.BatchRescoreTimerAsync(new(), durable.Object, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(15));
        await timers.BatchRescoreTimerAsync(new(), durable.Object, CancellationToken.None);

        Assert.That(started, Is.Empty, "the first tick only starts the interval; at 15 min the previous run is still going");
        durable.Verify(d => d.GetInstanceAsync("batch-rescore", false, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Test]
    public async Task Retrain_IsDueOneRetrainIntervalAfterTheLastRun()
    {
        await using var host = await TestHost.Configure()
            .With("LEAD_SCORE_RETRAIN_INTERVAL", "604800000") // 7 days in the seed's milliseconds
            .StartAsync();
        var clock = new FakeTimeProvider(Start);
        var (durable, started) = Durable();
        var timers = Timers(host, clock);

        await timers.RetrainTimerAsync(new(), durable.Object, CancellationToken.None);
        clock.Advance(TimeSpan.FromDays(7) - TimeSpan.FromMinutes(1));
        await timers.RetrainTimerAsync(new(), durable.Object, CancellationToken.None);
        clock.Advance(TimeSpan.FromMinutes(1));
        await timers.RetrainTimerAsync(new(), durable.Object, CancellationToken.None);

        Assert.That(started, Is.EqualTo(new[] { ("Retrain", "retrain") }));
    }

    [Test]
    public void NextRescore_WithASchedule_IsItsNextOccurrence()
    {
        var settings = new LeadScoringSettings { UpdateSchedule = NCrontab.CrontabSchedule.Parse("0 6 * * *") };

        Assert.That(TimerFunctions.NextRescore(Start, settings), Is.EqualTo(new DateTimeOffset(2026, 12, 5, 6, 0, 0, TimeSpan.Zero)));
    }

    private static TimerFunctions Timers(TestHost host, TimeProvider clock)
    {
        var scope = host.Services.CreateScope();
        return ActivatorUtilities.CreateInstance<TimerFunctions>(scope.ServiceProvider, clock);
    }

    private static (Mock<DurableTaskClient> Client, List<(string Name, string InstanceId)> Started) Durable(bool running = false)
    {
        var started = new List<(string, string)>();
        var client = new Mock<DurableTaskClient>("test");
        client.Setup(c => c.GetInstanceAsync(It.IsAny<string>(), It.IsAny<bool>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync((string id, bool _, CancellationToken _) => running ? new OrchestrationMetadata("BatchRescore", id) { RuntimeStatus = OrchestrationRuntimeStatus.Running } : null);
        client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .Callback((TaskName name, object? _, StartOrchestrationOptions? options, CancellationToken _) => started.Add((name.Name, options!.InstanceId!)))
            .ReturnsAsync((TaskName _, object? _, StartOrchestrationOptions? options, CancellationToken _) => options!.InstanceId!);
        return (client, started);
    }
}
