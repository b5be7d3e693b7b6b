using System.Diagnostics;
using LeadScoring.HubSpotEmulator.Admin;
using LeadScoring.HubSpotEmulator.Faults;

namespace LeadScoring.HubSpotEmulator.Api;

/// <summary>
/// What stands in front of every HubSpot route (not /_emulator): the request log, injected and random faults, bearer
/// authentication and rate limits, in that order.
/// </summary>
internal sealed class ApiGateway(EmulatorServices services)
{
    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        if (request.Path.StartsWithSegments("/_emulator", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return;
        }

        var sequence = services.Requests.NextSequence();
        var at = services.Options.TimeProvider.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        string? fault = null;
        try
        {
            fault = await HandleAsync(context, next);
        }
        finally
        {
            services.Requests.Add(new RequestRecord(
                sequence, request.Method, request.Path.Value ?? "", request.QueryString.Value ?? "", context.Response.StatusCode, at,
                Stopwatch.GetElapsedTime(started).TotalMilliseconds, fault));
        }
    }

    /// <summary>Holds the call as a stuck gateway would; false when the caller gave up first.</summary>
    private async Task<bool> HangAsync(TimeSpan hang, HttpContext context)
    {
        try
        {
            await Task.Delay(hang, services.Options.TimeProvider, context.RequestAborted);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>Runs the request; returns the name of the fault that answered it, if any.</summary>
    private async Task<string?> HandleAsync(HttpContext context, RequestDelegate next)
    {
        var request = context.Request;
        var path = request.Path.Value ?? "";
        var isSearch = SearchEndpoints.IsSearch(request);

        if (services.Faults.TakeInjected(path) is { } rule)
        {
            if (rule.HangSeconds is { } hang && !await HangAsync(TimeSpan.FromSeconds(hang), context))
            {
                return "injected:hang"; // the caller gave up first
            }

            if (rule.RetryAfterSeconds is { } seconds)
            {
                context.Response.Headers.RetryAfter = Formats.Text(seconds);
            }

            var body = rule.Status == StatusCodes.Status429TooManyRequests
                ? HubSpotErrors.RateLimitBody(rule.PolicyName ?? (isSearch ? "SECONDLY" : "TEN_SECONDLY_ROLLING"), "publicapi:injected")
                : HubSpotErrors.ForStatus(rule.Status);
            await JsonResults.Json(body, rule.Status).ExecuteAsync(context);
            return rule.HangSeconds is null ? $"injected:{rule.Status}" : "injected:hang";
        }

        switch (services.Faults.NextRandom())
        {
            case RandomFault.None:
                break;
            case RandomFault.Hang:
                if (!await HangAsync(services.Options.FaultHang, context))
                {
                    return "random:hang";
                }

                await JsonResults.Json(HubSpotErrors.ForStatus(504), 504).ExecuteAsync(context);
                return "random:hang";
            case var other:
                var status = other switch
                {
                    RandomFault.BadGateway => 502,
                    RandomFault.ServiceUnavailable => 503,
                    _ => 504,
                };
                await JsonResults.Json(HubSpotErrors.ForStatus(status), status).ExecuteAsync(context);
                return $"random:{status}";
        }

        if (request.Path.StartsWithSegments("/oauth", StringComparison.OrdinalIgnoreCase))
        {
            await next(context);
            return null;
        }

        var (caller, failure) = services.Authentication.Authenticate(request);
        if (caller is null)
        {
            await failure!.ExecuteAsync(context);
            return null;
        }

        if (services.RateLimits.Check(context, caller, isSearch) is { } limited)
        {
            await limited.ExecuteAsync(context);
            return null;
        }

        await next(context);
        return null;
    }
}
