using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Pipeline;
using LeadScoring.Core.Storage;
using LeadScoring.Core.Training;
using LeadScoring.Core.Training.Similarity;

namespace LeadScoring.Functions.Hosting;

/// <summary>
/// Start-up work: queues and tables are created if absent (the host cannot work without them, so this blocks
/// start-up), then the ai_* properties are ensured in HubSpot in the background — retried until HubSpot answers,
/// with the state visible in /api/health — so a HubSpot outage does not stop webhooks from being accepted.
/// </summary>
internal sealed partial class StartupTasks(
    LeadScoringStorage storage, EmbeddedVectorIndex vectors, IServiceScopeFactory scopes, PipelineHealth health, HubSpotRateBudget budget, HubSpotPortal portal, TimeProvider clock, ILogger<StartupTasks> logger)
    : IHostedService, IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private Task? _ensureProperties;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await storage.EnsureCreatedAsync(cancellationToken);

        // Similarity needs the training vectors before the first lead is scored.
        var loaded = await vectors.LoadAsync(cancellationToken);
        await using (var scope = scopes.CreateAsyncScope())
        {
            var training = scope.ServiceProvider.GetRequiredService<TrainingRecordService>();
            var reembedded = await training.ReembedStaleAsync(cancellationToken);
            var merged = await training.MergePerContactAsync(cancellationToken);
            LogVectorsLoaded(logger, loaded, reembedded, merged);
        }

        _ensureProperties = EnsurePropertiesAsync(_stopping.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_ensureProperties is not null)
        {
            await _ensureProperties.WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    public void Dispose() => _stopping.Dispose();

    private async Task EnsurePropertiesAsync(CancellationToken cancellationToken)
    {
        var wait = TimeSpan.FromSeconds(2);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var hubspot = scope.ServiceProvider.GetRequiredService<HubSpotClient>();
                await hubspot.EnsurePropertiesAsync("contacts", LeadScoreProperties.Group, LeadScoreProperties.Definitions, cancellationToken);
                health.PropertiesEnsured(null);
                await LearnPortalAsync(hubspot, cancellationToken);
                return;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                health.PropertiesEnsured($"{ex.GetType().Name}: {ex.Message}");
                LogEnsureFailed(logger, ex, wait);
                await Task.Delay(wait, clock, cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
                wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, TimeSpan.FromMinutes(5).Ticks));
            }
        }
    }

    /// <summary>
    /// Which portal our token serves (webhook events of others are refused), and its time zone: HubSpot resets the daily
    /// allowance at the portal's midnight, so after a DAILY 429 we resume exactly then. One call for both.
    /// </summary>
    private async Task LearnPortalAsync(HubSpotClient hubspot, CancellationToken cancellationToken)
    {
        try
        {
            var details = await hubspot.GetAccountDetailsAsync(cancellationToken);
            portal.Learned(details);
            if (HubSpotPortalTimeZone.Resolve(details.TimeZone) is { } zone)
            {
                budget.PortalTimeZone = zone;
                LogPortalTimeZone(logger, zone.Id);
            }
            else
            {
                LogUnknownTimeZone(logger, details.TimeZone);
            }
        }
        catch (Exception ex) when (ex is HubSpotApiException or HttpRequestException)
        {
            portal.Failed($"{ex.GetType().Name}: {ex.Message.Split('\n')[0]}");
            LogTimeZoneFailed(logger, ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "HubSpot portal time zone {TimeZone}: the daily API allowance resets at its midnight")]
    private static partial void LogPortalTimeZone(ILogger logger, string timeZone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "HubSpot reports the portal time zone '{TimeZone}', which this host does not know; the daily API allowance is assumed to reset at midnight UTC")]
    private static partial void LogUnknownTimeZone(ILogger logger, string? timeZone);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the portal's time zone from HubSpot failed; the daily API allowance is assumed to reset at midnight UTC")]
    private static partial void LogTimeZoneFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Loaded} training vectors; re-embedded {Reembedded} made by another embedder; removed {Merged} older records of contacts classified more than once")]
    private static partial void LogVectorsLoaded(ILogger logger, int loaded, int reembedded, int merged);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Creating the ai_* properties in HubSpot failed; retrying in {Wait}")]
    private static partial void LogEnsureFailed(ILogger logger, Exception exception, TimeSpan wait);
}
