using LeadScoring.HubSpotEmulator.Admin;
using LeadScoring.HubSpotEmulator.Api;
using LeadScoring.HubSpotEmulator.Auth;
using LeadScoring.HubSpotEmulator.Webhooks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace LeadScoring.HubSpotEmulator;

/// <summary>
/// Builds the emulator as a <see cref="WebApplication"/>: the command line runs it, tests start it in-process
/// (e.g. on http://127.0.0.1:0) and read the bound port with <see cref="Address"/>.
/// </summary>
public static class EmulatorApp
{
    /// <summary>A ready-to-start emulator; throws <see cref="ArgumentException"/> naming the bad setting.</summary>
    public static WebApplication Build(EmulatorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(EmulatorApp).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.WebHost.UseUrls(options.Urls);
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning).AddFilter("System.Net.Http", LogLevel.Warning);

        var services = new EmulatorServices(options);
        builder.Services.AddSingleton(services);
        builder.Services.AddSingleton(options.TimeProvider);
        builder.Services.AddHostedService(provider =>
            new WebhookDispatcher(options, services.Webhooks, services.Deliveries, provider.GetRequiredService<ILogger<WebhookDispatcher>>()));

        var app = builder.Build();
        var gateway = new ApiGateway(services);
        app.Use(gateway.InvokeAsync);
        app.MapOAuth(services);
        app.MapObjects(services);
        app.MapSearch(services);
        app.MapAssociations(services);
        app.MapProperties(services);
        app.MapWorkflows(services);
        app.MapAccount(services);
        app.MapAdmin(services);
        app.MapFallback(() => HubSpotErrors.NotFound("Unable to route the request: no HubSpot API at this path."));
        return app;
    }

    /// <summary>
    /// Builds and starts an emulator in this process (tests and benchmarks: on http://127.0.0.1:0, then read the port
    /// with <see cref="Address"/>); disposes it again when it does not start. Stop it with <c>StopAsync</c> and <c>DisposeAsync</c>.
    /// </summary>
    public static async Task<WebApplication> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        var app = Build(options);
        try
        {
            await app.StartAsync(cancellationToken);
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>The first address the started app listens on (with the real port when it was started on port 0).</summary>
    public static Uri Address(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        var address = addresses?.FirstOrDefault() ?? throw new InvalidOperationException("The emulator is not listening; start it first.");
        return new Uri(address.Replace("://[::]", "://localhost", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal));
    }
}
