using System.Diagnostics;
using LeadScoring.LocalHost.Durable;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadScoring.Tests.LocalHost;

/// <summary>
/// A local durable host in a child process that can be killed (SIGKILL: no stop, no lease release, work in flight
/// left locked in storage). The child is this test assembly run with <c>dotnet exec</c> and this assembly as a .NET
/// startup hook (<c>DOTNET_STARTUP_HOOKS</c>): <see cref="StartupHook.Initialize"/> runs before the (empty,
/// generated) Main, starts the host, schedules the orchestrations and waits to be killed.
/// </summary>
internal sealed class LocalDurableChildHost : IDisposable
{
    private const string TaskHubVariable = "LEADSCORING_DURABLE_CHILD_TASKHUB";
    private const string ConnectionVariable = "LEADSCORING_DURABLE_CHILD_STORAGE";
    private const string InstancesVariable = "LEADSCORING_DURABLE_CHILD_INSTANCES";
    private const string ScheduledMarker = "LEADSCORING-DURABLE-CHILD-SCHEDULED";

    private readonly Process _process;
    private readonly TaskCompletionSource _scheduled = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private LocalDurableChildHost(Process process) => _process = process;

    /// <summary>Starts the child; it schedules <c>Slow</c> orchestrations with the given ids.</summary>
    public static LocalDurableChildHost Start(string connectionString, string taskHub, IReadOnlyList<string> instanceIds)
    {
        var assembly = typeof(LocalDurableChildHost).Assembly.Location;
        var start = new ProcessStartInfo("dotnet", ["exec", assembly])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_STARTUP_HOOKS"] = assembly;
        start.Environment[TaskHubVariable] = taskHub;
        start.Environment[ConnectionVariable] = connectionString;
        start.Environment[InstancesVariable] = string.Join(',', instanceIds);
        var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet could not be started");
        var child = new LocalDurableChildHost(process);
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data == ScheduledMarker)
            {
                child._scheduled.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => child._scheduled.TrySetException(
            new InvalidOperationException($"The child host exited with code {process.ExitCode} before scheduling."));
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    /// <summary>Completes when the child has started its host and scheduled every instance.</summary>
    public Task Scheduled => _scheduled.Task;

    /// <summary>SIGKILL, whole tree.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    /// <summary>The child's body: host up, orchestrations scheduled, then wait to be killed.</summary>
    internal static async Task RunChildAsync()
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddLocalDurableTask(o =>
        {
            o.StorageConnectionString = Environment.GetEnvironmentVariable(ConnectionVariable)!;
            o.TaskHubName = Environment.GetEnvironmentVariable(TaskHubVariable)!;
            o.WorkItemVisibilityTimeout = TimeSpan.FromSeconds(5);
        }, LocalDurableTests.Tasks.Register);
        using var host = builder.Build();
        await host.StartAsync();
        var client = host.Services.GetRequiredService<DurableTaskClient>();
        var ids = Environment.GetEnvironmentVariable(InstancesVariable)!.Split(',');
        for (var i = 0; i < ids.Length; i++)
        {
            await client.ScheduleNewOrchestrationInstanceAsync(LocalDurableTests.Tasks.Slow, i, new StartOrchestrationOptions(ids[i]));
        }

        Console.Out.WriteLine(ScheduledMarker);
        Console.Out.Flush();
        await Task.Delay(Timeout.Infinite);
    }

    internal static bool IsChild => Environment.GetEnvironmentVariable(TaskHubVariable) is not null;
}
