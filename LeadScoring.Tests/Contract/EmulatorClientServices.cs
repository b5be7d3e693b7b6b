using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LeadScoring.Tests.Contract;

/// <summary>The product's real <see cref="HubSpotClient"/> (the production DI registration) aimed at an <see cref="EmulatorServer"/>.</summary>
internal static class EmulatorClientServices
{
    /// <summary>A service provider with the product's HubSpot client registration, aimed at this emulator.</summary>
    public static ServiceProvider ClientServices(this EmulatorServer emulator, Action<HubSpotClientOptions>? configure = null, bool oauth = false, ILoggerProvider? logs = null, TimeProvider? clock = null)
    {
        var services = new ServiceCollection();
        if (clock is not null)
        {
            services.AddSingleton(clock);
        }

        services.AddLogging(builder =>
        {
            builder.SetMinimumLevel(LogLevel.Trace);
            if (logs is not null)
            {
                builder.AddProvider(logs);
            }
        });
        services.AddSingleton<Microsoft.Extensions.Configuration.IConfiguration>(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
        services.AddOptions<LeadScoringSettings>().Configure(s =>
        {
            s.HubSpotBaseUrl = emulator.Address;
            s.HubSpotAccessToken = oauth ? "" : emulator.Options.AccessToken;
            s.HubSpotClientId = oauth ? emulator.Options.ClientId : null;
            s.HubSpotClientSecret = oauth ? emulator.Options.ClientSecret : null;
            s.HubSpotRefreshToken = oauth ? emulator.Options.RefreshToken : null;
        });
        services.AddHubSpotClient(o =>
        {
            // Test-sized waits; the behaviour (which responses are retried, how often) is the production one.
            o.RetryBaseDelay = TimeSpan.FromMilliseconds(50);
            o.RateLimitedDelay = TimeSpan.FromMilliseconds(300);
            o.SearchRateLimitedDelay = TimeSpan.FromMilliseconds(300);
            configure?.Invoke(o);
        });
        services.AddTransient<HubSpotLeadReader>();
        return services.BuildServiceProvider();
    }
}
