using LeadScoring.Core.Storage;
using Microsoft.Azure.Functions.Worker;

namespace LeadScoring.Functions.Functions;

/// <summary>
/// Hourly: deletes dashboard sessions that expired without being presented again (a presented one is deleted when
/// seen), so the Sessions table holds only live sessions. One query and a delete per expired row.
/// </summary>
internal sealed partial class SessionSweepFunction(SessionStore sessions, TimeProvider clock, ILogger<SessionSweepFunction> logger)
{
    /// <summary>At minute 17 of every hour (off the hour, where the other timers' work bunches).</summary>
    public const string Hourly = "0 17 * * * *";

    [Function("SessionSweepTimer")]
    public async Task SweepAsync([TimerTrigger(Hourly)] TimerInfo timer, CancellationToken cancellationToken)
    {
        var deleted = await sessions.DeleteExpiredAsync(clock.GetUtcNow(), cancellationToken);
        if (deleted > 0)
        {
            LogSwept(logger, deleted);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Deleted {Count} expired dashboard sessions")]
    private static partial void LogSwept(ILogger logger, int count);
}
