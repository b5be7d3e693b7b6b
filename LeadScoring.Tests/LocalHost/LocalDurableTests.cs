using System.Diagnostics;
using LeadScoring.LocalHost.Durable;
using LeadScoring.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadScoring.Tests.LocalHost;

/// <summary>
/// The local durable engine (SDK gRPC worker and client → in-process sidecar → DTFx Azure Storage backend) on the
/// test run's Azurite, inside a plain generic host. Each test has a task hub of its own.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class LocalDurableTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Test]
    public async Task A_fan_out_over_three_activities_completes_with_their_results()
    {
        await using var host = await StartHostAsync(NewTaskHub());

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(Tasks.FanOut, new[] { 1, 2, 3 });
        var done = await WaitAsync(host.Client, id);

        Assert.That(done.RuntimeStatus, Is.EqualTo(OrchestrationRuntimeStatus.Completed), done.FailureDetails?.ToString());
        Assert.That(done.ReadOutputAs<int>(), Is.EqualTo(2 + 4 + 6));
    }

    [Test]
    public async Task A_sub_orchestration_completes_and_hands_its_result_to_the_parent()
    {
        await using var host = await StartHostAsync(NewTaskHub());

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(Tasks.Parent, 5);
        var done = await WaitAsync(host.Client, id);

        Assert.That(done.RuntimeStatus, Is.EqualTo(OrchestrationRuntimeStatus.Completed), done.FailureDetails?.ToString());
        Assert.That(done.ReadOutputAs<int>(), Is.EqualTo(1 + (5 * 2 * 3)));
    }

    [Test]
    public async Task Without_the_repairs_a_sub_orchestration_does_not_complete_on_Azure_Storage()
    {
        // Documents the trap the wrapper exists for; if this starts failing, the sidecar got fixed upstream.
        // The backend logs the poisoned child's message on every retry ("Error resolving type specified in JSON
        // 'Google.Protobuf.Collections.MapField`2…' … TaskMessage.Event.Tags.$type"); kept out of the test output.
        await using var host = await StartHostAsync(NewTaskHub(), o => o.RepairSidecarEvents = false, quietBackend: true);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(Tasks.Parent, 5);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(6));
        OrchestrationMetadata? done = null;
        try
        {
            done = await host.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, wait.Token);
        }
        catch (OperationCanceledException)
        {
            // Expected: the parent waits for a child that never reports back.
        }

        Assert.That(done?.RuntimeStatus, Is.Not.EqualTo(OrchestrationRuntimeStatus.Completed));
    }

    [Test]
    public async Task In_a_web_application_an_endpoint_schedules_with_the_client_from_DI()
    {
        var connection = await Azurite.ConnectionStringAsync();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddLocalDurableTask(o => (o.StorageConnectionString, o.TaskHubName) = (connection, NewTaskHub()), Tasks.Register);
        await using var app = builder.Build();
        app.MapPost("/fan-out", async (DurableTaskClient client) =>
            Results.Text(await client.ScheduleNewOrchestrationInstanceAsync(Tasks.FanOut, new[] { 1, 2, 3 })));
        await app.StartAsync();
        try
        {
            using var http = new HttpClient { BaseAddress = new Uri(app.Urls.First()) };
            using var response = await http.PostAsync(new Uri("/fan-out", UriKind.Relative), content: null);
            var id = await response.Content.ReadAsStringAsync();
            var done = await WaitAsync(app.Services.GetRequiredService<DurableTaskClient>(), id);

            Assert.That(done.ReadOutputAs<int>(), Is.EqualTo(12));
        }
        finally
        {
            await app.StopAsync();
        }
    }

    [Test]
    public async Task Twenty_orchestrations_interrupted_by_an_abrupt_stop_all_complete_on_a_new_host()
    {
        var hub = NewTaskHub();
        var ids = new List<string>();
        var first = await StartHostAsync(hub, ShortLocks);
        try
        {
            for (var i = 0; i < 20; i++)
            {
                ids.Add(await first.Client.ScheduleNewOrchestrationInstanceAsync(Tasks.Slow, i));
            }

            // Mid-way: some done, the rest queued or in flight.
            var deadline = DateTime.UtcNow + Patience;
            while (await CountCompletedAsync(first.Client, ids) < 3 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(100);
            }
        }
        finally
        {
            await first.AbortAsync();
        }

        var completedBefore = await CountCompletedWithFreshClientAsync(hub, ids);
        Assert.That(completedBefore, Is.LessThan(20), "the stop came too late to interrupt anything");

        await using var second = await StartHostAsync(hub, ShortLocks);
        foreach (var id in ids)
        {
            var done = await WaitAsync(second.Client, id);
            Assert.That(done.RuntimeStatus, Is.EqualTo(OrchestrationRuntimeStatus.Completed), $"{id}: {done.FailureDetails}");
        }

        TestContext.Out.WriteLine($"{completedBefore} of 20 completed before the abrupt stop; all 20 after the restart.");
    }

    [Test]
    public async Task Twenty_orchestrations_in_a_killed_child_process_all_complete_on_a_new_host()
    {
        var connection = await Azurite.ConnectionStringAsync();
        var hub = NewTaskHub();
        var ids = Enumerable.Range(0, 20).Select(i => $"killed-{i:00}").ToList();
        int completedBefore;
        using (var child = LocalDurableChildHost.Start(connection, hub, ids))
        {
            await child.Scheduled.WaitAsync(Patience);
            var deadline = DateTime.UtcNow + Patience;
            while ((completedBefore = await CountCompletedWithFreshClientAsync(hub, ids)) < 3 && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            await child.KillAsync();
        }

        completedBefore = await CountCompletedWithFreshClientAsync(hub, ids);
        Assert.That(completedBefore, Is.LessThan(20), "the kill came too late to interrupt anything");

        var watch = Stopwatch.StartNew();
        await using var second = await StartHostAsync(hub, ShortLocks);
        foreach (var id in ids)
        {
            var done = await WaitAsync(second.Client, id);
            Assert.That(done.RuntimeStatus, Is.EqualTo(OrchestrationRuntimeStatus.Completed), $"{id}: {done.FailureDetails}");
        }

        TestContext.Out.WriteLine($"{completedBefore} of 20 completed before the kill; the other {20 - completedBefore} within {watch.Elapsed.TotalSeconds:0.0} s of the new host's start.");
    }

    [TestCase("")]
    [TestCase("ab")]
    [TestCase("1hub")]
    [TestCase("task-hub")]
    [TestCase("hub_name")]
    [TestCase("a234567890123456789012345678901234567890123456")]
    public void A_bad_task_hub_name_is_refused_naming_the_setting(string name)
    {
        var services = new ServiceCollection();

        var error = Assert.Throws<ArgumentException>(() => services.AddLocalDurableTask(
            o => (o.StorageConnectionString, o.TaskHubName) = ("UseDevelopmentStorage=true", name), Tasks.Register));

        Assert.That(error!.Message, Does.Contain("TaskHubName"));
        Assert.That(error.ParamName, Is.EqualTo("TaskHubName"));
    }

    [Test]
    public void A_missing_connection_string_is_refused_naming_the_setting()
    {
        var error = Assert.Throws<ArgumentException>(() => new ServiceCollection().AddLocalDurableTask(
            o => o.TaskHubName = "GoodName1", Tasks.Register));

        Assert.That(error!.Message, Does.Contain("StorageConnectionString"));
    }

    [Test]
    public async Task Latency_of_a_three_activity_orchestration_and_host_start_and_stop_times()
    {
        _ = await Azurite.ConnectionStringAsync();
        var start = Stopwatch.StartNew();
        var host = await StartHostAsync(NewTaskHub(), logEngine: true);
        var started = start.Elapsed;

        var samples = new List<double>();
        for (var i = 0; i < 40; i++)
        {
            var watch = Stopwatch.StartNew();
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(Tasks.FanOut, new[] { 1, 2, 3 });
            var done = await WaitAsync(host.Client, id);
            Assert.That(done.RuntimeStatus, Is.EqualTo(OrchestrationRuntimeStatus.Completed));
            samples.Add(watch.Elapsed.TotalMilliseconds);
        }

        var stop = Stopwatch.StartNew();
        await host.DisposeAsync();
        var stopped = stop.Elapsed;

        var first = samples[0];
        var sorted = samples.Skip(5).Order().ToArray();
        double P(double q) => sorted[(int)Math.Min(sorted.Length - 1, Math.Ceiling(q * sorted.Length) - 1)];
        TestContext.Out.WriteLine(
            $"start {started.TotalMilliseconds:0} ms, stop {stopped.TotalMilliseconds:0} ms; first orchestration {first:0} ms; " +
            $"schedule→completion over {sorted.Length}: p50 {P(0.5):0} ms, p95 {P(0.95):0} ms, max {sorted[^1]:0} ms");
        Assert.That(stopped, Is.LessThan(TimeSpan.FromSeconds(10)));
        Assert.That(P(0.95), Is.LessThan(5000));
    }

    private static void ShortLocks(LocalDurableOptions options) => options.WorkItemVisibilityTimeout = TimeSpan.FromSeconds(5);

    private static string NewTaskHub() => "t" + Guid.NewGuid().ToString("N")[..20];

    private static async Task<OrchestrationMetadata> WaitAsync(DurableTaskClient client, string id)
    {
        using var timeout = new CancellationTokenSource(Patience);
        return await client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, timeout.Token);
    }

    private static async Task<int> CountCompletedAsync(DurableTaskClient client, IEnumerable<string> ids)
    {
        var count = 0;
        foreach (var id in ids)
        {
            if ((await client.GetInstanceAsync(id))?.RuntimeStatus == OrchestrationRuntimeStatus.Completed)
            {
                count++;
            }
        }

        return count;
    }

    private static async Task<int> CountCompletedWithFreshClientAsync(string hub, IEnumerable<string> ids)
    {
        // Straight from storage, without a host: what the interrupted one left behind.
        var connection = await Azurite.ConnectionStringAsync();
        using var storage = new DurableTask.AzureStorage.AzureStorageOrchestrationService(new DurableTask.AzureStorage.AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new DurableTask.AzureStorage.StorageAccountClientProvider(connection),
            TaskHubName = hub,
        });
        var count = 0;
        foreach (var id in ids)
        {
            var state = await storage.GetOrchestrationStateAsync(id, executionId: null);
            count += state?.OrchestrationStatus == DurableTask.Core.OrchestrationStatus.Completed ? 1 : 0;
        }

        return count;
    }

    private static async Task<RunningHost> StartHostAsync(string taskHub, Action<LocalDurableOptions>? configure = null, bool logEngine = false, bool quietBackend = false)
    {
        var connection = await Azurite.ConnectionStringAsync();
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning)
            .AddFilter("LeadScoring", logEngine ? LogLevel.Information : LogLevel.Warning)
            .AddFilter("DurableTask.AzureStorage", quietBackend ? LogLevel.None : LogLevel.Warning);
        builder.Services.AddLocalDurableTask(o =>
        {
            o.StorageConnectionString = connection;
            o.TaskHubName = taskHub;
            configure?.Invoke(o);
        }, Tasks.Register);
        var host = builder.Build();
        await host.StartAsync();
        return new RunningHost(host);
    }

    private sealed class RunningHost(IHost host) : IAsyncDisposable
    {
        public DurableTaskClient Client { get; } = host.Services.GetRequiredService<DurableTaskClient>();

        /// <summary>Stop without waiting for anything: open calls cut, work in flight left locked in storage.</summary>
        public async Task AbortAsync()
        {
            await host.StopAsync(new CancellationToken(canceled: true));
            host.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    internal static class Tasks
    {
        public static void Register(DurableTaskRegistry registry)
        {
            registry.AddActivityFunc<int, int>(Double, (_, x) => x * 2);
            registry.AddActivityFunc<int, int>(SlowDouble, async (_, x) =>
            {
                await Task.Delay(300);
                return x * 2;
            });
            registry.AddOrchestratorFunc<int[], int>(FanOut, async (context, input) =>
                (await Task.WhenAll(input.Select(x => context.CallActivityAsync<int>(Double, x)))).Sum());
            registry.AddOrchestratorFunc<int, int>(Slow, async (context, input) =>
                (await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => context.CallActivityAsync<int>(SlowDouble, input)))).Sum());
            registry.AddOrchestratorFunc<int, int>(Parent, async (context, input) =>
                1 + await context.CallSubOrchestratorAsync<int>(FanOut, new[] { input, input, input }));
        }

        public const string Double = nameof(Double);
        public const string SlowDouble = nameof(SlowDouble);
        public const string FanOut = nameof(FanOut);
        public const string Slow = nameof(Slow);
        public const string Parent = nameof(Parent);
    }
}
