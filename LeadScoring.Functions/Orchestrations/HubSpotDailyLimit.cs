using LeadScoring.Core.HubSpot;
using Microsoft.DurableTask;

namespace LeadScoring.Functions.Orchestrations;

/// <summary>
/// Orchestrations wait out HubSpot's spent daily limit instead of failing: the activity is tried again every
/// <see cref="ActivityRetry.DailyLimitProbeInterval"/> on a durable timer (nothing held in memory, no message lost),
/// and it fails fast without calling HubSpot until the portal's midnight.
/// </summary>
internal static class HubSpotDailyLimit
{
    /// <summary>The custom status a waiting orchestration shows, for the admin's orchestration list.</summary>
    public const string WaitingStatus = "waiting for HubSpot's daily API limit to reset";

    private static readonly string ErrorType = typeof(HubSpotDailyLimitException).FullName!;

    /// <summary>True when the failure (or what it wraps: the Functions host wraps activity exceptions) is the daily limit.</summary>
    public static bool IsCause(TaskFailureDetails? failure)
    {
        for (; failure is not null; failure = failure.InnerFailure)
        {
            if (string.Equals(failure.ErrorType, ErrorType, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }

    public static async Task<T> CallAsync<T>(this TaskOrchestrationContext context, string activity, object? input, TaskOptions options, ActivityRetry retry)
    {
        // HubSpot's allowance is back within a day: the waits are bounded by that (plus an hour), then the failure stands.
        var maxWaits = (int)Math.Ceiling(TimeSpan.FromHours(25) / retry.DailyLimitProbeInterval);
        for (var waited = 0; waited < maxWaits; waited++)
        {
            try
            {
                return await context.CallActivityAsync<T>(activity, input, options);
            }
            catch (TaskFailedException ex) when (IsCause(ex.FailureDetails))
            {
                context.SetCustomStatus(WaitingStatus);
                await context.CreateTimer(context.CurrentUtcDateTime + retry.DailyLimitProbeInterval, CancellationToken.None);
                context.SetCustomStatus(null);
            }
        }

        return await context.CallActivityAsync<T>(activity, input, options);
    }

    public static async Task CallAsync(this TaskOrchestrationContext context, string activity, object? input, TaskOptions options, ActivityRetry retry) =>
        await context.CallAsync<object?>(activity, input, options, retry);
}
