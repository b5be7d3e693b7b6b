using System.Net;
using LeadScoring.Core.Monitoring;
using LeadScoring.Core.Settings;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.RateLimiting;

namespace LeadScoring.Core.HubSpot;

/// <summary>Registers the typed HubSpot client with its handler chain: retry (outermost) → rate budget → attempt timeout → auth → limits learnt → hedging → network.</summary>
internal static class HubSpotServiceCollectionExtensions
{
    public static IServiceCollection AddHubSpotClient(this IServiceCollection services, Action<HubSpotClientOptions>? configure = null)
    {
        var options = services.AddOptions<HubSpotClientOptions>()
            .Configure<IOptions<LeadScoringSettings>>((o, settings) =>
            {
                var s = settings.Value;
                o.BaseUrl = s.HubSpotBaseUrl;
                o.AccessToken = string.IsNullOrEmpty(s.HubSpotAccessToken) ? null : s.HubSpotAccessToken;
                o.OAuthClientId = s.HubSpotClientId;
                o.OAuthClientSecret = s.HubSpotClientSecret;
                o.OAuthRefreshToken = s.HubSpotRefreshToken;
            })

            // Advanced tuning without code: HubSpot__RequestsPer10Seconds=190 for a Professional portal, etc.
            .Configure<IConfiguration>((o, configuration) =>
            {
                // The binder's own error ("Failed to convert configuration value at 'HubSpot:MaxAttempts'…") names
                // neither the variable nor the value: check that every value parses first.
                var section = configuration.GetSection(HubSpotClientOptions.Section);
                HubSpotClientOptionsValidator.ThrowIfUnparsable(section);
                section.Bind(o);
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<HubSpotClientOptions>, HubSpotClientOptionsValidator>());
        if (configure is not null)
        {
            options.PostConfigure(configure);
        }

        services.AddLeadScoringMonitoring();
        services.TryAddSingleton<HubSpotRateBudget>();
        services.TryAddTransient<HubSpotAuthHandler>();
        services.TryAddTransient<HubSpotRateLimitHandler>();
        services.TryAddSingleton<HubSpotLatency>();
        services.TryAddSingleton<HubSpotPortal>();
        services.TryAddTransient<HubSpotHedgingHandler>();
        services.AddHttpClient(OAuthAccessTokenSource.HttpClientName);
        services.TryAddSingleton<IHubSpotAccessTokenSource>(provider =>
            provider.GetRequiredService<IOptions<HubSpotClientOptions>>().Value.UsesOAuth
                ? new OAuthAccessTokenSource(
                    provider.GetRequiredService<IHttpClientFactory>().CreateClient(OAuthAccessTokenSource.HttpClientName),
                    provider.GetRequiredService<IOptions<HubSpotClientOptions>>(),
                    provider.GetRequiredService<TimeProvider>())
                : new StaticAccessTokenSource(provider.GetRequiredService<IOptions<HubSpotClientOptions>>()));

        var client = services.AddHttpClient<HubSpotClient>((provider, http) =>
        {
            http.BaseAddress = provider.GetRequiredService<IOptions<HubSpotClientOptions>>().Value.BaseUrl;
            http.Timeout = Timeout.InfiniteTimeSpan; // the resilience pipeline owns timeouts
        });

        // The factory's default loggers write every request URI, and the workflow-enrolment URI carries the contact's
        // email: no host log level should be what keeps PII out of the logs.
        client.RemoveAllLoggers();
        client.AddResilienceHandler("hubspot", (pipeline, context) =>
        {
            var o = context.ServiceProvider.GetRequiredService<IOptions<HubSpotClientOptions>>().Value;
            var clock = context.ServiceProvider.GetRequiredService<TimeProvider>();
            var budget = context.ServiceProvider.GetRequiredService<HubSpotRateBudget>();
            pipeline.AddTimeout(o.TotalTimeout);
            // HubSpot__MaxAttempts=1 means no retry (Polly's retry needs at least one).
            if (o.MaxAttempts > 1)
            {
                pipeline.AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = o.MaxAttempts - 1,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = o.RetryBaseDelay,

                    // Transient only: connection failures, timeouts, 408, 429 and 5xx. Other 4xx are our mistakes. A call
                    // that is hedged has had its attempts already (HubSpotHedgingHandler), except for 429.
                    ShouldHandle = args => ValueTask.FromResult(HttpClientResiliencePredicates.IsTransient(args.Outcome)
                        && (args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests || !HubSpotHedgingHandler.IsHedged(args.Context.GetRequestMessage()))),
                    DelayGenerator = args => ValueTask.FromResult(RetryDelay(args.Outcome.Result, o, clock)),
                });
            }

            // Each attempt (retries included) takes its rate-budget slot in the caller's lane before its timeout starts:
            // waiting for our own budget is not a slow HubSpot, and must neither time an attempt out nor start a hedge.
            pipeline.AddRateLimiter(new RateLimiterStrategyOptions
            {
                RateLimiter = args => budget.AcquireAsync(HubSpotRateLimitHandler.IsSearch(args.Context.GetRequestMessage()), HubSpotWork.Lane, args.Context.CancellationToken),
            });

            // Hedged calls time each of their attempts inside the hedging handler (a hedge waits for its own slot first).
            pipeline.AddTimeout(new HttpTimeoutStrategyOptions
            {
                TimeoutGenerator = args => ValueTask.FromResult(HubSpotHedgingHandler.IsHedged(args.Context.GetRequestMessage()) ? Timeout.InfiniteTimeSpan : o.AttemptTimeout),
            });
        });

        // Inside the pipeline: each attempt gets a current token; responses teach the budget HubSpot's limit; a read
        // still unanswered is hedged (each hedge with a slot of its own), the hedging delay counting from the send.
        client.AddHttpMessageHandler<HubSpotAuthHandler>().AddHttpMessageHandler<HubSpotRateLimitHandler>()
            .AddHttpMessageHandler<HubSpotHedgingHandler>().AddHttpMessageHandler<HubSpotMetricsHandler>();
        return services;
    }

    /// <summary>
    /// Retry-After when HubSpot sends one; for 429s without it (HubSpot's usual), wait for the next window —
    /// a second for search, ten for everything else; otherwise null, i.e. exponential back-off with jitter.
    /// </summary>
    internal static TimeSpan? RetryDelay(HttpResponseMessage? response, HubSpotClientOptions options, TimeProvider clock)
    {
        if (response is null)
        {
            return null;
        }

        if (response.Headers.RetryAfter is { } retryAfter)
        {
            var delay = retryAfter.Delta ?? (retryAfter.Date is { } date ? date - clock.GetUtcNow() : null);
            if (delay is { } d)
            {
                return d < TimeSpan.Zero ? TimeSpan.Zero : d;
            }
        }

        if (response.StatusCode == HttpStatusCode.TooManyRequests)
        {
            var search = response.RequestMessage?.RequestUri?.AbsolutePath.EndsWith("/search", StringComparison.Ordinal) == true;
            return search ? options.SearchRateLimitedDelay : options.RateLimitedDelay;
        }

        return null;
    }
}
