using LeadScoring.Core.Learning.Retraining;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Settings;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Hosting;

/// <summary>
/// Keeps the close-probability model in use current on this instance: loaded at start-up (the registry's current one,
/// or LEAD_SCORE_MODEL_VERSION), reloaded after a promotion here and every few minutes for one promoted elsewhere.
/// A model that cannot be loaded leaves the previous one (or the logistic prior) in use, and the reason in /api/health.
/// </summary>
internal sealed partial class ModelInUse(ActiveCloseModel active, ModelRegistry registry, IOptions<LeadScoringSettings> settings, LeadScorer scorer, TimeProvider clock, ILogger<ModelInUse> logger)
    : BackgroundService
{
    /// <summary>How often an instance looks for a model promoted by another instance.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(5);

    /// <summary>The last reason the model in use could not be loaded; null when it was.</summary>
    public string? LoadError { get; private set; }

    /// <summary>The model in use under the one name scores carry (the rules and profile, + the close model in use).</summary>
    public string Name => active.Version is { } close ? $"{scorer.ModelVersion}+{close}" : scorer.ModelVersion;

    /// <summary>The model in use, a pinned version and every card, newest first.</summary>
    public async Task<ModelsOverview> OverviewAsync(CancellationToken cancellationToken) =>
        new(active.Version, settings.Value.ModelVersion, await registry.ListAsync(cancellationToken), Name);

    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        try
        {
            await active.RefreshAsync(registry, settings.Value.ModelVersion, cancellationToken);
            LoadError = null;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LoadError = ex.Message;
            LogLoadFailed(logger, ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                await RefreshAsync(stoppingToken);
                await Task.Delay(RefreshInterval, clock, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model in use could not be loaded; the previous one (or the logistic prior) stays")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);
}
