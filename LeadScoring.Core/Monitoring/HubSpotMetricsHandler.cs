using System.Diagnostics;
using System.Text;
using LeadScoring.Core.HubSpot;

namespace LeadScoring.Core.Monitoring;

/// <summary>
/// Times every HubSpot attempt (inside the retry, so each 429 and retried 5xx is seen) and records it by operation —
/// the method and path with ids replaced by {id}, so no id or email reaches a metric — and status (0 = no response).
/// </summary>
internal sealed class HubSpotMetricsHandler(LeadScoringMetrics metrics, TimeProvider clock) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var operation = OperationOf(request.Method, request.RequestUri);
        using var activity = LeadScoringMetrics.ActivitySource.StartActivity($"HubSpot {operation}", ActivityKind.Client);
        var started = clock.GetTimestamp();
        var status = 0;
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            status = (int)response.StatusCode;
            return response;
        }
        finally
        {
            activity?.SetTag("http.response.status_code", status);
            var elapsed = clock.GetElapsedTime(started);
            metrics.HubSpotCall(operation, status, elapsed);
            HubSpotWork.Times?.Called(elapsed);
        }
    }

    /// <summary>"GET /crm/v3/objects/contacts/{id}": segments with a digit (other than a version), '@' or '%' become {id}.</summary>
    public static string OperationOf(HttpMethod method, Uri? uri)
    {
        ArgumentNullException.ThrowIfNull(method);
        var path = uri is null ? "" : uri.IsAbsoluteUri ? uri.AbsolutePath : uri.OriginalString.Split('?')[0];
        var text = new StringBuilder(method.Method).Append(' ');
        foreach (var segment in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            var version = segment.Length > 1 && segment[0] == 'v' && segment.Skip(1).All(char.IsAsciiDigit);
            var id = !version && segment.Any(c => char.IsAsciiDigit(c) || c is '@' or '%');
            text.Append('/').Append(id ? "{id}" : segment);
        }

        return text.ToString();
    }
}
