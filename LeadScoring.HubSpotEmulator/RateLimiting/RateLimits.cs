using LeadScoring.HubSpotEmulator.Api;
using LeadScoring.HubSpotEmulator.Auth;

namespace LeadScoring.HubSpotEmulator.RateLimiting;

/// <summary>
/// HubSpot's limits per caller: a rolling 10-second window and a daily quota for ordinary calls (with the
/// X-HubSpot-RateLimit-* headers), a separate per-second limit for search (without headers). 429s carry no Retry-After.
/// </summary>
internal sealed class RateLimits(EmulatorOptions options, PortalTimeZone zone)
{
    private readonly RollingWindowLimiter _tenSecondly = new(options.RateLimit, TimeSpan.FromSeconds(10), options.TimeProvider);
    private readonly RollingWindowLimiter _secondly = new(options.SearchRateLimit, TimeSpan.FromSeconds(1), options.TimeProvider);
    private readonly DailyLimiter _daily = new(options.DailyLimit, zone, options.TimeProvider);

    /// <summary>Null when the request may proceed (headers already set); otherwise the 429 to send.</summary>
    public IResult? Check(HttpContext context, Caller caller, bool isSearch)
    {
        var group = isSearch ? "publicapi:crm-search" : $"publicapi:{(caller.IsOAuth ? "oauth" : "private-app")}:{options.PortalId}";
        if (isSearch)
        {
            if (!_secondly.TryAcquire(caller.LimitKey).Allowed)
            {
                return JsonResults.Json(HubSpotErrors.RateLimitBody("SECONDLY", group), StatusCodes.Status429TooManyRequests);
            }

            return _daily.TryAcquire(caller.LimitKey).Allowed
                ? null
                : JsonResults.Json(HubSpotErrors.RateLimitBody("DAILY", group), StatusCodes.Status429TooManyRequests);
        }

        var (allowed, remaining) = _tenSecondly.TryAcquire(caller.LimitKey);
        var (dailyAllowed, dailyRemaining) = allowed ? _daily.TryAcquire(caller.LimitKey) : (true, _daily.Remaining(caller.LimitKey));
        var headers = context.Response.Headers;
        headers["X-HubSpot-RateLimit-Interval-Milliseconds"] = "10000";
        headers["X-HubSpot-RateLimit-Max"] = Formats.Text(_tenSecondly.Max);
        headers["X-HubSpot-RateLimit-Remaining"] = Formats.Text(remaining);

        // HubSpot leaves the daily headers off OAuth calls (the daily quota belongs to private apps).
        if (!caller.IsOAuth)
        {
            headers["X-HubSpot-RateLimit-Daily"] = Formats.Text(_daily.Max);
            headers["X-HubSpot-RateLimit-Daily-Remaining"] = Formats.Text(dailyRemaining);
        }

        if (!allowed)
        {
            return JsonResults.Json(HubSpotErrors.RateLimitBody("TEN_SECONDLY_ROLLING", group), StatusCodes.Status429TooManyRequests);
        }

        return dailyAllowed ? null : JsonResults.Json(HubSpotErrors.RateLimitBody("DAILY", group), StatusCodes.Status429TooManyRequests);
    }

    /// <summary>The daily allowance the admin endpoints show and set: the static private-app token's (the one with daily headers).</summary>
    public DailyLimiter Daily => _daily;

    public string PrivateAppKey => Authentication.PrivateAppKey(options.AccessToken);

    public void Clear()
    {
        _tenSecondly.Clear();
        _secondly.Clear();
        _daily.Clear();
    }
}
