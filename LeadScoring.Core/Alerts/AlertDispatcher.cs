using Microsoft.Extensions.Logging;

namespace LeadScoring.Core.Alerts;

/// <summary>Sends what <see cref="AdminAlerts"/> raised, one at a time; a failed post is logged and dropped (the next alert of its kind still goes).</summary>
public sealed partial class AlertDispatcher(AdminAlerts alerts, IAlertSink sink, ILogger<AlertDispatcher> logger)
{
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        while (await alerts.Outbox.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (alerts.Outbox.TryRead(out var alert))
            {
                try
                {
                    await sink.SendAsync(alert, cancellationToken).ConfigureAwait(false);
                    LogSent(logger, alert.Kind, alert.Suppressed);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    LogFailed(logger, alert.Kind, ex);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Admin alert {Kind} sent ({Suppressed} similar held back before it)")]
    private static partial void LogSent(ILogger logger, AlertKind kind, int suppressed);

    [LoggerMessage(Level = LogLevel.Error, Message = "Admin alert {Kind} could not be sent")]
    private static partial void LogFailed(ILogger logger, AlertKind kind, Exception exception);
}
