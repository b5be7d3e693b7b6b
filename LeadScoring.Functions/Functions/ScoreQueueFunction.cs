using LeadScoring.Core.Pipeline;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Functions;

/// <summary>
/// The queue trigger of <c>score-requests</c>: takes batches while there are messages, and when the queue is empty
/// backs off from 100 ms up to host.json's maxPollingInterval, as the Functions queue trigger does.
/// </summary>
internal sealed partial class ScoreQueueFunction(IServiceScopeFactory scopes, IOptions<PipelineOptions> options, PipelineHealth health, TimeProvider clock, ILogger<ScoreQueueFunction> logger)
    : BackgroundService
{
    private static readonly TimeSpan MinPollingInterval = TimeSpan.FromMilliseconds(100);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var wait = MinPollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            var received = 0;
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                received = await scope.ServiceProvider.GetRequiredService<ScoringPipeline>().ProcessNextBatchAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Storage unreachable, say: keep polling; messages are safe on the queue.
                health.ScoringFailed($"queue: {ex.GetType().Name}: {ex.Message}", clock.GetUtcNow());
                LogPollFailed(logger, ex);
            }

            wait = received > 0 ? MinPollingInterval : TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, options.Value.MaxPollingInterval.Ticks));
            if (received == 0)
            {
                await Task.Delay(wait, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling score-requests failed; retrying")]
    private static partial void LogPollFailed(ILogger logger, Exception exception);
}
