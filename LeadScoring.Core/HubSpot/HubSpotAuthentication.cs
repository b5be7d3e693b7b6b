using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.HubSpot;

/// <summary>Supplies the bearer token for HubSpot calls.</summary>
internal interface IHubSpotAccessTokenSource
{
    ValueTask<string> GetTokenAsync(CancellationToken cancellationToken);

    /// <summary>After a 401 with <paramref name="rejected"/>: a fresh token to try once more, or null if there is none.</summary>
    ValueTask<string?> RenewAsync(string rejected, CancellationToken cancellationToken);
}

/// <summary>A private-app token: fixed, nothing to renew.</summary>
internal sealed class StaticAccessTokenSource(IOptions<HubSpotClientOptions> options) : IHubSpotAccessTokenSource
{
    public ValueTask<string> GetTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(options.Value.AccessToken ?? "");

    public ValueTask<string?> RenewAsync(string rejected, CancellationToken cancellationToken) => ValueTask.FromResult<string?>(null);
}

/// <summary>
/// OAuth 2.0 refresh-token grant: the access token is cached until a minute before it expires, refreshed by one
/// caller at a time, and refreshed early once when HubSpot answers 401 (401 is not a reliable expiry signal).
/// </summary>
internal sealed class OAuthAccessTokenSource(HttpClient http, IOptions<HubSpotClientOptions> options, TimeProvider clock) : IHubSpotAccessTokenSource, IDisposable
{
    public const string HttpClientName = "HubSpotOAuth";
    private static readonly TimeSpan ExpiryMargin = TimeSpan.FromMinutes(1);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private string? _token;
    private string? _refreshToken;
    private DateTimeOffset _expiresAt;

    public async ValueTask<string> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (_token is { } cached && clock.GetUtcNow() < _expiresAt)
        {
            return cached;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_token is { } fresh && clock.GetUtcNow() < _expiresAt)
            {
                return fresh;
            }

            return await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask<string?> RenewAsync(string rejected, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may already have replaced the rejected token.
            return _token is { } current && current != rejected && clock.GetUtcNow() < _expiresAt
                ? current
                : await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<string> RefreshAsync(CancellationToken cancellationToken)
    {
        var o = options.Value;
        using var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "refresh_token",
            ["refresh_token"] = _refreshToken ?? o.OAuthRefreshToken ?? "",
            ["client_id"] = o.OAuthClientId ?? "",
            ["client_secret"] = o.OAuthClientSecret ?? "",
        });
        using var response = await http.PostAsync(new Uri(o.BaseUrl, "oauth/v1/token"), form, cancellationToken).ConfigureAwait(false);
        await HubSpotApiException.ThrowIfFailedAsync(response, "OAuth token refresh", cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var token = JsonSerializer.Deserialize(body, HubSpotJsonContext.Default.OAuthTokenResponse);
        if (token?.AccessToken is not { Length: > 0 } access || token.ExpiresIn <= 0)
        {
            throw new HubSpotApiException("HubSpot OAuth token refresh returned no access token or expiry.");
        }

        _token = access;
        _refreshToken = token.RefreshToken ?? _refreshToken;
        _expiresAt = clock.GetUtcNow() + TimeSpan.FromSeconds(token.ExpiresIn) - ExpiryMargin;
        return access;
    }
}

/// <summary>Adds the bearer token to each attempt; on 401 renews the token (OAuth) and retries exactly once.</summary>
internal sealed class HubSpotAuthHandler(IHubSpotAccessTokenSource tokens) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var token = await tokens.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode != HttpStatusCode.Unauthorized)
        {
            return response;
        }

        var renewed = await tokens.RenewAsync(token, cancellationToken).ConfigureAwait(false);
        if (renewed is null)
        {
            return response;
        }

        response.Dispose();
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", renewed);
        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
