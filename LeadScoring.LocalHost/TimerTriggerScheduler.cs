using Microsoft.Azure.Functions.Worker;
using NCrontab;

namespace LeadScoring.LocalHost;

/// <summary>
/// A <c>[TimerTrigger]</c>: its six-field cron schedule (seconds first, UTC, as the Functions host reads it; a
/// <c>%setting%</c> schedule is resolved from configuration), the function called at each occurrence with a TimerInfo.
/// One local host is one instance, so the Functions host's singleton lock has nothing to do here.
/// </summary>
internal sealed partial class TimerTriggerScheduler(FunctionEntry entry, CrontabSchedule schedule, IServiceScopeFactory scopes, TimeProvider clock, ILogger<TimerTriggerScheduler> logger)
    : BackgroundService
{
    public FunctionEntry Function => entry;

    public CrontabSchedule Schedule => schedule;

    /// <summary>The schedule of <paramref name="text"/>, %setting% resolved.</summary>
    /// <exception cref="InvalidDataException">Not a cron expression; the message names the function.</exception>
    public static CrontabSchedule Parse(string functionName, string text, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(text);
        var resolved = text.StartsWith('%') && text.EndsWith('%') && text.Length > 2 ? configuration[text[1..^1]] ?? "" : text;
        return CrontabSchedule.TryParse(resolved, new CrontabSchedule.ParseOptions { IncludingSeconds = resolved.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 })
            ?? throw new InvalidDataException($"Timer function {functionName}: '{resolved}' is not a cron expression (the local host, like a Functions plan, takes cron schedules only).");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var last = clock.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            var next = new DateTimeOffset(schedule.GetNextOccurrence(clock.GetUtcNow().UtcDateTime), TimeSpan.Zero);
            try
            {
                await Task.Delay(Max(next - clock.GetUtcNow(), TimeSpan.Zero), clock, stoppingToken).ConfigureAwait(false);
                await using var scope = scopes.CreateAsyncScope();
                var info = new TimerInfo { ScheduleStatus = new ScheduleStatus { Last = last.UtcDateTime, Next = schedule.GetNextOccurrence(next.UtcDateTime), LastUpdated = clock.GetUtcNow().UtcDateTime } };
                await FunctionInvoker.InvokeAsync(entry, scope.ServiceProvider, p => p.ParameterType == typeof(TimerInfo) ? (true, info) : (false, null), stoppingToken).ConfigureAwait(false);
                last = next;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // As in the Functions host: the failure is logged and the next occurrence runs.
                LogFailed(logger, ex, entry.Name);
            }
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Timer function {Function} failed; it runs again at its next occurrence")]
    private static partial void LogFailed(ILogger logger, Exception exception, string function);
}
