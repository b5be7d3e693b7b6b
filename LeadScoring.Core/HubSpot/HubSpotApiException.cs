using System.Net;
using System.Text.Json;

namespace LeadScoring.Core.HubSpot;

/// <summary>
/// A HubSpot call that failed after the resilience pipeline gave up: the HTTP status plus HubSpot's category,
/// correlationId (quote it to HubSpot support) and per-input errors. Never carries the token.
/// </summary>
public class HubSpotApiException : Exception
{
    public HubSpotApiException(string operation, HttpStatusCode status, HubSpotErrorBody? body, string? rawSnippet = null)
        : base(Describe(operation, status, body, rawSnippet))
    {
        Operation = operation;
        StatusCode = status;
        Category = body?.Category ?? body?.ErrorType;
        CorrelationId = body?.CorrelationId;
        PolicyName = body?.PolicyName;
        Errors = body?.Errors ?? [];
    }

    public HubSpotApiException()
        : this("HubSpot call", HttpStatusCode.InternalServerError, null)
    {
    }

    public HubSpotApiException(string message)
        : base(message)
    {
        Operation = "HubSpot call";
        Errors = [];
    }

    /// <summary>For failures described by us rather than by a HubSpot error body (a DAILY limit known in advance).</summary>
    protected HubSpotApiException(string message, HttpStatusCode status, string? category, string? policyName)
        : base(message)
    {
        Operation = "HubSpot call";
        StatusCode = status;
        Category = category;
        PolicyName = policyName;
        Errors = [];
    }

    public HubSpotApiException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = "HubSpot call";
        Errors = [];
    }

    /// <summary>What we were doing, e.g. <c>batch update contacts</c>.</summary>
    public string Operation { get; }

    public HttpStatusCode StatusCode { get; }

    /// <summary>HubSpot's category (VALIDATION_ERROR, OBJECT_NOT_FOUND, RATE_LIMIT, INVALID_AUTHENTICATION…).</summary>
    public string? Category { get; }

    public string? CorrelationId { get; }

    public string? PolicyName { get; }

    public IReadOnlyList<HubSpotErrorDetail> Errors { get; }

    /// <summary>True for failures worth retrying later (rate limits, HubSpot outages), false for our own mistakes.</summary>
    public bool IsTransient => StatusCode == HttpStatusCode.TooManyRequests || (int)StatusCode >= 500;

    /// <summary>Throws for a non-success response (reading HubSpot's error body); returns otherwise.</summary>
    internal static async Task ThrowIfFailedAsync(HttpResponseMessage response, string operation, CancellationToken cancellationToken)
    {
        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        HubSpotErrorBody? body = null;
        try
        {
            body = text.Length > 0 ? JsonSerializer.Deserialize(text, HubSpotJsonContext.Default.HubSpotErrorBody) : null;
        }
        catch (JsonException)
        {
            // Not HubSpot's JSON (a proxy's HTML page, say): keep a snippet instead.
        }

        throw new HubSpotApiException(operation, response.StatusCode, body, body is null ? Snippet(text) : null);
    }

    private static string Describe(string operation, HttpStatusCode status, HubSpotErrorBody? body, string? raw)
    {
        var category = body?.Category ?? body?.ErrorType;
        var message = body?.Message ?? raw ?? "no body";
        var details = body?.Errors is { Count: > 0 } errors
            ? " [" + string.Join("; ", errors.Take(5).Select(e => e.In is null ? e.Message : $"{e.In}: {e.Message}")) + "]"
            : "";
        return $"HubSpot {operation} failed: {(int)status} {category ?? status.ToString()}: {message}{details}"
            + (body?.CorrelationId is { } id ? $" (correlationId {id})" : "");
    }

    private static string Snippet(string text) => text.Length <= 200 ? text : text[..200] + "…";
}

/// <summary>
/// HubSpot's daily API allowance is spent (its DAILY 429): no HubSpot call is made until <see cref="ResumesAt"/>,
/// the next midnight in the portal's time zone. Not retried by the client; work waits and resumes then.
/// </summary>
public sealed class HubSpotDailyLimitException : HubSpotApiException
{
    public HubSpotDailyLimitException(DateTimeOffset resumesAt)
        : base(
            $"HubSpot's daily API limit for this portal is reached; HubSpot calls resume at {resumesAt.ToString("u", System.Globalization.CultureInfo.InvariantCulture)} (the portal's midnight).",
            HttpStatusCode.TooManyRequests,
            "RATE_LIMIT",
            "DAILY")
    {
        ResumesAt = resumesAt;
    }

    // The standard exception constructors (CA1032); the pipeline always says when calls resume.
    public HubSpotDailyLimitException()
        : this(TimeProvider.System.GetUtcNow())
    {
    }

    public HubSpotDailyLimitException(string message)
        : base(message, HttpStatusCode.TooManyRequests, "RATE_LIMIT", "DAILY")
    {
    }

    public HubSpotDailyLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>When HubSpot's allowance resets (UTC).</summary>
    public DateTimeOffset ResumesAt { get; }
}
