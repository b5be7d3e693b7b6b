using LeadScoring.HubSpotEmulator.Admin;
using LeadScoring.HubSpotEmulator.Auth;
using LeadScoring.HubSpotEmulator.Faults;
using LeadScoring.HubSpotEmulator.Portal;
using LeadScoring.HubSpotEmulator.RateLimiting;
using LeadScoring.HubSpotEmulator.Webhooks;

namespace LeadScoring.HubSpotEmulator;

/// <summary>The emulator's parts, built once per app and handed to the endpoint maps.</summary>
internal sealed class EmulatorServices
{
    public EmulatorServices(EmulatorOptions options)
    {
        Options = options;
        Webhooks = new WebhookPublisher(options);
        Store = new PortalStore(PortalGenerator.Seed(options.Seed, options.Contacts, options.TimeProvider.GetUtcNow()), Webhooks, options.TimeProvider);
        Tokens = new OAuthTokens(options);
        Authentication = new Authentication(options, Tokens);
        TimeZone = PortalTimeZone.Resolve(options.TimeZone) ?? throw new ArgumentException($"Unknown time zone '{options.TimeZone}' (--time-zone).", nameof(options));
        RateLimits = new RateLimits(options, TimeZone);
        Faults = new FaultInjector(options);
    }

    public EmulatorOptions Options { get; }

    public PortalTimeZone TimeZone { get; }

    public PortalStore Store { get; }

    public WebhookPublisher Webhooks { get; }

    public DeliveryLog Deliveries { get; } = new();

    public OAuthTokens Tokens { get; }

    public Authentication Authentication { get; }

    public RateLimits RateLimits { get; }

    public FaultInjector Faults { get; }

    public RequestLog Requests { get; } = new();
}
