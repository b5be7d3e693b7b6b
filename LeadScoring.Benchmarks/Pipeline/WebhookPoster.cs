using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using LeadScoring.Core.HubSpot;

namespace LeadScoring.Benchmarks.Pipeline;

/// <summary>What one webhook POST got: HTTP status (0 = no answer), round trip, and the number of score requests the host enqueued.</summary>
internal readonly record struct PostResult(int Status, double Milliseconds, int? Enqueued)
{
    public bool Ok => Status is >= 200 and < 300;
}

/// <summary>
/// Posts one-event webhook batches to the host exactly as HubSpot would: a <c>contact.propertyChange</c> with a fresh
/// eventId, signed with v3 (HMAC-SHA256 of method, URL, body and timestamp with the app's client secret).
/// </summary>
internal sealed class WebhookPoster(HttpClient http, Uri target, string clientSecret, long portalId, long appId)
{
    private const long SubscriptionId = 1_000_102; // the emulator's contact.propertyChange subscription
    private static readonly MediaTypeHeaderValue Json = new("application/json");
    private static readonly string[] Stages = ["subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity"];
    private readonly string _uri = target.ToString();
    private long _nextEventId = 7_000_000_000 + (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() % 1_000_000_000);

    /// <summary>A change of <c>lifecyclestage</c> (to a stage that rotates with the eventId); the contact itself is not changed.</summary>
    public Task<PostResult> PostAsync(long contactId, bool readResult, CancellationToken cancellationToken)
    {
        var eventId = Interlocked.Increment(ref _nextEventId);
        return PostAsync(eventId, contactId, "lifecyclestage", Stages[eventId % Stages.Length], readResult, cancellationToken);
    }

    /// <summary>A change of <paramref name="propertyName"/> to <paramref name="propertyValue"/> (a JSON-safe string), e.g. one the caller made real first.</summary>
    public Task<PostResult> PostAsync(long contactId, string propertyName, string propertyValue, bool readResult, CancellationToken cancellationToken) =>
        PostAsync(Interlocked.Increment(ref _nextEventId), contactId, propertyName, propertyValue, readResult, cancellationToken);

    private async Task<PostResult> PostAsync(long eventId, long contactId, string propertyName, string propertyValue, bool readResult, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var body = Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture,
            $$"""[{"eventId":{{eventId}},"subscriptionId":{{SubscriptionId}},"portalId":{{portalId}},"appId":{{appId}},"occurredAt":{{now}},"subscriptionType":"contact.propertyChange","attemptNumber":0,"objectId":{{contactId}},"propertyName":"{{propertyName}}","propertyValue":"{{propertyValue}}","changeSource":"CRM_UI","sourceId":"userId:1"}]"""));
        var timestamp = now.ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, target) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = Json;
        request.Headers.Add("X-HubSpot-Request-Timestamp", timestamp);
        request.Headers.Add("X-HubSpot-Signature-v3", HubSpotWebhookSignature.SignV3("POST", _uri, body, timestamp, clientSecret));

        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            int? enqueued = null;
            if (readResult && response.IsSuccessStatusCode)
            {
                using var document = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
                enqueued = document.RootElement.TryGetProperty("enqueued", out var value) ? value.GetInt32() : null;
            }

            return new PostResult((int)response.StatusCode, elapsed, enqueued);
        }
        catch (HttpRequestException)
        {
            return new PostResult(0, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null);
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PostResult(0, Stopwatch.GetElapsedTime(started).TotalMilliseconds, null); // client timeout
        }
    }
}

/// <summary>Percentiles (nearest rank) of a set of samples.</summary>
internal sealed record Distribution(int Count, double P50, double P95, double P99, double Max, double Mean)
{
    public static Distribution? Of(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        if (sorted.Length == 0)
        {
            return null;
        }

        double At(double p) => sorted[Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];
        return new Distribution(sorted.Length, At(50), At(95), At(99), sorted[^1], sorted.Average());
    }
}
