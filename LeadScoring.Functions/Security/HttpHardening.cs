using System.Net;
using LeadScoring.Core.Security;
using Microsoft.AspNetCore.Builder;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Azure.Functions.Worker.Middleware;

namespace LeadScoring.Functions.Security;

/// <summary>
/// What every response and every sign-in gets, in both hosts: security headers, redirects that never echo the Host
/// header, the login-CSRF origin check, and the client address wrong keys are counted against.
/// </summary>
public static class HttpHardening
{
    /// <summary>No inline script or style anywhere (the dashboard's script and CSS are files under wwwroot/assets), no framing.</summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; "
        + "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    public static void AddSecurityHeaders(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XFrameOptions = "DENY";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cross-Origin-Opener-Policy"] = "same-origin";
    }

    /// <summary>The local host's equivalent of <see cref="SecurityHeadersMiddleware"/>: headers set before the function runs.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) =>
        app.Use((http, next) =>
        {
            AddSecurityHeaders(http.Response);
            return next(http);
        });

    /// <summary>
    /// Where an anonymous visitor is sent: the configured public URL, else a relative path — never built from the Host
    /// header, which a client chooses. The return path is relative too (path and query of this request).
    /// </summary>
    public static string SignInLocation(HttpContext http, AuthSettings auth)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(auth);
        var back = $"{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}";
        return $"{Origin(auth)}/sign-in?ReturnUrl={Uri.EscapeDataString(back)}";
    }

    /// <summary>The public origin without a trailing slash, or "" (relative URLs).</summary>
    public static string Origin(AuthSettings auth) => auth.PublicUrl is { } url ? url.GetLeftPart(UriPartial.Authority) : "";

    /// <summary>
    /// Login CSRF: a browser posting the sign-in form from another site says so in Sec-Fetch-Site or Origin. Requests
    /// without either (curl, scripts) are not a browser riding on a visitor, so they pass. Without a configured public
    /// URL the Origin is compared with the request's own host — a cross-site page cannot choose the Host its visitor's
    /// browser sends.
    /// </summary>
    public static bool IsCrossSite(HttpContext http, AuthSettings auth)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(auth);
        var site = http.Request.Headers["Sec-Fetch-Site"].ToString();
        if (site.Length > 0 && site is not ("same-origin" or "none"))
        {
            return true;
        }

        var origin = http.Request.Headers.Origin.ToString();
        if (origin.Length == 0)
        {
            return false;
        }

        if (!Uri.TryCreate(origin, UriKind.Absolute, out var from))
        {
            return true; // "null" (sandboxed frame, privacy redirect) or garbage
        }

        return auth.PublicUrl is { } url
            ? !(from.Scheme == url.Scheme && string.Equals(from.Host, url.Host, StringComparison.OrdinalIgnoreCase) && from.Port == url.Port)
            : !string.Equals(from.Authority, http.Request.Host.Value, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The client wrong keys are counted against. Behind the Functions host (and in Azure, App Service's front end) the
    /// worker sees a loopback peer, so then the last X-Forwarded-For entry — the one the nearest proxy added, which a
    /// client cannot forge — names the client; any other peer is the client itself.
    /// </summary>
    public static string ClientOf(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var peer = http.Connection.RemoteIpAddress;
        if (peer is null || IPAddress.IsLoopback(peer))
        {
            var forwarded = http.Request.Headers["X-Forwarded-For"].ToString();
            var last = forwarded.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
            if (last is not null && (IPEndPoint.TryParse(last, out var endPoint)))
            {
                return endPoint.Address.ToString();
            }
        }

        return peer?.ToString() ?? "unknown";
    }
}

/// <summary>The Functions worker's way of putting <see cref="HttpHardening.AddSecurityHeaders"/> on every HTTP function's response.</summary>
internal sealed class SecurityHeadersMiddleware : IFunctionsWorkerMiddleware
{
    public async Task Invoke(FunctionContext context, FunctionExecutionDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (context.GetHttpContext() is { } http)
        {
            HttpHardening.AddSecurityHeaders(http.Response);
        }

        await next(context);
    }
}
