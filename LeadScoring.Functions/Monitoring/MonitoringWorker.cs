using LeadScoring.Core.Alerts;
using LeadScoring.Core.Monitoring;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;

namespace LeadScoring.Functions;

/// <summary>
/// Keeps the monitoring side running: samples the queue depth every 15 s (the gauge OTLP exports), records the model
/// version in use, and sends the admin alerts <see cref="AdminAlerts"/> raises.
/// </summary>
internal sealed partial class MonitoringWorker(
    ScoreRequestQueue queue, LeadScoringMetrics metrics, OperationsMonitor monitor, AlertDispatcher alerts, LeadScorer scorer, TimeProvider clock, ILogger<MonitoringWorker> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(15);

    public static async Task SampleAsync(ScoreRequestQueue queue, LeadScoringMetrics metrics, CancellationToken cancellationToken)
    {
        metrics.QueueSampled(await queue.ApproximateCountAsync(cancellationToken), await queue.PoisonCountAsync(cancellationToken));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        GC.KeepAlive(monitor); // resolved at start so it listens from the first measurement
        metrics.RulesInUse(scorer.ModelVersion);
        var sending = alerts.RunAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await SampleAsync(queue, metrics, stoppingToken);
                await Task.Delay(Interval, clock, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                LogSampleFailed(logger, ex);
                await Task.Delay(Interval, clock, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        }

        await sending.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Sampling the queue depth failed; health reports storage")]
    private static partial void LogSampleFailed(ILogger logger, Exception exception);
}
