using System.Globalization;
using Azure;
using LeadScoring.Core.HubSpot;
using Microsoft.AspNetCore.Http.HttpResults;

namespace LeadScoring.Functions.Hosting;

/// <summary>
/// A dependency (Azure Storage, HubSpot) failing is not the caller's fault and not a bug of ours: the answer is 503 with
/// Retry-After and what was unavailable, never a bare 500 with a stack trace in the log.
/// </summary>
internal static class Unavailable
{
    /// <summary>Seconds a caller should wait before trying again; the storage SDK's own retries have already run.</summary>
    public const int RetryAfterSeconds = 5;

    /// <summary>
    /// Storage could not be reached or did not answer: the SDK's transport failures (status 0), throttling and 5xx,
    /// also as the AggregateException its retry policy throws after the last attempt. 4xx answers such as 409 are
    /// our own logic and stay errors.
    /// </summary>
    public static bool IsStorage(Exception exception) => exception switch
    {
        RequestFailedException failed => failed.Status is 0 or 403 or 408 or 429 or >= 500,
        AggregateException all => all.InnerExceptions.Count > 0 && all.InnerExceptions.All(IsStorage),
        _ => false,
    };

    /// <summary>HubSpot failed after the client's retries (or refused us); a cancellation not asked for by the caller is a timeout.</summary>
    public static bool IsHubSpot(Exception exception, CancellationToken requestAborted) => exception switch
    {
        HubSpotApiException or HttpRequestException or Polly.ExecutionRejectedException => true,
        OperationCanceledException => !requestAborted.IsCancellationRequested,
        _ => false,
    };

    public static ProblemHttpResult Storage(HttpContext http, string what)
    {
        ArgumentNullException.ThrowIfNull(http);
        http.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Storage unavailable",
            detail: $"Azure Storage (AzureWebJobsStorage) could not be reached, so {what}; try again in {RetryAfterSeconds} s.");
    }

    public static ProblemHttpResult HubSpot(HttpContext http, Exception exception, string what)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(exception);
        var wait = exception is HubSpotDailyLimitException daily
            ? Math.Max(1, (int)Math.Ceiling((daily.ResumesAt - http.RequestServices.GetRequiredService<TimeProvider>().GetUtcNow()).TotalSeconds))
            : RetryAfterSeconds;
        http.Response.Headers.RetryAfter = wait.ToString(CultureInfo.InvariantCulture);

        // HubSpotApiException's message names the call, status and HubSpot's category; never the token.
        var why = exception is HubSpotApiException ? exception.Message : "HubSpot did not answer in time";
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "HubSpot unavailable",
            detail: $"{what} needs HubSpot, which failed: {why}. Nothing was written; try again in {wait} s.");
    }
}
