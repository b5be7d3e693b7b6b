using LeadScoring.Core.Settings;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace LeadScoring.Core.HubSpot;

/// <summary>
/// Which HubSpot portal this install serves: <c>HUBSPOT_PORTAL_ID</c> when set, otherwise the <c>portalId</c> of
/// <c>GET /account-info/v3/details</c> for our token, learned once (at start-up, or by the first webhook that needs it)
/// and cached. One app can be installed in several portals, so a signed webhook event of another portal names ids that
/// mean other contacts here: without knowing our portal they could not be told apart. Learning it costs one call per
/// process; a failed attempt is tried again at most every <see cref="RetryAfterFailure"/>.
/// </summary>
public sealed partial class HubSpotPortal(IOptions<LeadScoringSettings> settings, IServiceScopeFactory scopes, TimeProvider clock, ILogger<HubSpotPortal> logger) : IDisposable
{
    /// <summary>The least time between two attempts to learn the portal after one failed (HubSpot is shared; webhooks come in bursts).</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);

    /// <summary>How long a webhook waits for account-info: HubSpot gives a webhook 5 s before it retries.</summary>
    public static readonly TimeSpan LookupTimeout = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private long _learned; // 0 = not learned
    private volatile string? _problem;
    private long _nextAttemptTicks;

    /// <summary>Our portal's id if known: configured, or learned from HubSpot.</summary>
    public long? Id => settings.Value.PortalId ?? (Interlocked.Read(ref _learned) is var id and > 0 ? id : null);

    /// <summary>Why the portal is not known, once an attempt to learn it failed; null while it is known or not yet tried.</summary>
    public string? Problem => Id is null ? _problem : null;

    /// <summary>Records what account-info said (read at start-up for the time zone too, so no call is spent twice).</summary>
    public void Learned(HubSpotAccountDetails details)
    {
        ArgumentNullException.ThrowIfNull(details);
        if (details.PortalId <= 0)
        {
            Failed($"account-info answered without a portalId ({details.PortalId})");
            return;
        }

        if (settings.Value.PortalId is { } configured)
        {
            if (configured != details.PortalId)
            {
                // The token belongs to another portal than the setting says: every webhook of the real one is refused.
                LogMismatch(logger, LeadScoringSettings.PortalIdName, configured, details.PortalId);
            }

            return;
        }

        if (Interlocked.Exchange(ref _learned, details.PortalId) != details.PortalId)
        {
            LogLearned(logger, details.PortalId, LeadScoringSettings.PortalIdName);
        }
    }

    /// <summary>Records that reading account-info failed (shown in health and the log; tried again later).</summary>
    public void Failed(string problem)
    {
        _problem = $"{LeadScoringSettings.PortalIdName} is not set and the portal could not be learned from HubSpot's account-info: {problem}";
        Interlocked.Exchange(ref _nextAttemptTicks, (clock.GetUtcNow() + RetryAfterFailure).UtcTicks);
        LogNotLearned(logger, _problem);
    }

    /// <summary>Our portal's id, asking HubSpot once if it is neither configured nor learned yet; null when it cannot be known now.</summary>
    public async Task<long?> GetAsync(CancellationToken cancellationToken = default)
    {
        if (Id is { } known)
        {
            return known;
        }

        if (clock.GetUtcNow().UtcTicks < Interlocked.Read(ref _nextAttemptTicks))
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another caller may have learned it (or failed) while this one waited.
            if (Id is not null || clock.GetUtcNow().UtcTicks < Interlocked.Read(ref _nextAttemptTicks))
            {
                return Id;
            }

            using var lookup = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            lookup.CancelAfter(LookupTimeout);
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                Learned(await scope.ServiceProvider.GetRequiredService<HubSpotClient>().GetAccountDetailsAsync(lookup.Token).ConfigureAwait(false));
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                Failed($"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
            }

            return Id;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "HubSpot portal {Portal} learned from account-info ({Setting} is not set): webhook events of other portals are refused")]
    private static partial void LogLearned(ILogger logger, long portal, string setting);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Problem}. Webhooks are answered 503 (HubSpot retries them) until it is known")]
    private static partial void LogNotLearned(ILogger logger, string problem);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Setting} is {Configured}, but the HubSpot token belongs to portal {Actual}: webhook events of portal {Actual} are refused. Correct {Setting}")]
    private static partial void LogMismatch(ILogger logger, string setting, long configured, long actual);
}
