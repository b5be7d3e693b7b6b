using System.Diagnostics;
using Grpc.Core;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace LeadScoring.LocalHost.Durable;

/// <summary>
/// Last of the engine's hosted services: its start returns only when the worker has connected to the sidecar and a
/// real client call (an instance lookup, through the backend) has succeeded — so when the host's StartAsync returns,
/// orchestrations can be scheduled and will run.
/// </summary>
internal sealed partial class LocalDurableReadinessService(
    LocalDurableEngine engine, DurableTaskClient client, ILogger<LocalDurableReadinessService> log) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var watch = Stopwatch.StartNew();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(engine.Options.StartTimeout);
        try
        {
            await engine.WorkerConnected.WaitAsync(timeout.Token);
            while (true)
            {
                try
                {
                    _ = await client.GetInstanceAsync("leadscoring-readiness-probe", timeout.Token);
                    break;
                }
                catch (RpcException e) when (e.StatusCode == StatusCode.Unavailable && !timeout.IsCancellationRequested)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(50), TimeProvider.System, timeout.Token); // real time, as the engine runs
                }
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"The local durable engine (sidecar {engine.Address}, task hub {engine.Options.TaskHubName}) was not ready within " +
                $"{engine.Options.StartTimeout.TotalSeconds:0} s (LocalDurableOptions.StartTimeout): " +
                (engine.WorkerConnected.IsCompleted ? "client calls kept failing." : "the worker never connected."));
        }

        LogReady(watch.ElapsedMilliseconds);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "Durable engine ready: worker connected and client answered after {Milliseconds} ms")]
    private partial void LogReady(long milliseconds);
}
