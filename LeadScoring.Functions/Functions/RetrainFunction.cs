using LeadScoring.Core.Learning.Retraining;
using LeadScoring.Core.Settings;
using LeadScoring.Functions.Security;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Functions;

/// <summary>
/// The retrain timer: loads the model in use at start-up (the registry's current one, or LEAD_SCORE_MODEL_VERSION),
/// looks for a model promoted by another instance every few minutes, and retrains every LEAD_SCORE_RETRAIN_INTERVAL
/// after the last retraining. Routes: <c>POST /api/admin/retrain</c> and <c>POST /api/admin/models/rollback</c>
/// (Admin), <c>GET /api/models</c> (Admin, Manager).
/// </summary>
internal sealed partial class RetrainFunction(IServiceScopeFactory scopes, ActiveCloseModel active, ModelRegistry registry, IOptions<LeadScoringSettings> settings, TimeProvider clock, ILogger<RetrainFunction> logger)
    : BackgroundService
{
    /// <summary>How often an instance looks for a model promoted elsewhere.</summary>
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromMinutes(5);

    /// <summary>The last reason the model in use could not be loaded; null when it was.</summary>
    public string? LoadError { get; private set; }

    public static IEndpointRouteBuilder MapModels(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/admin/retrain", async (RetrainFunction timer, CancellationToken cancellationToken) =>
                TypedResults.Json(await timer.RetrainAsync(null, cancellationToken), LearningJsonContext.Default.ModelCard))
            .RequireAuthorization(AccessPolicies.Administer).WithName("AdminRetrain");

        endpoints.MapGet("/api/models", async (RetrainFunction timer, CancellationToken cancellationToken) =>
                TypedResults.Json(await timer.OverviewAsync(cancellationToken), LearningJsonContext.Default.ModelsOverview))
            .RequireAuthorization(AccessPolicies.ScoreLeads).WithName("Models");

        endpoints.MapPost("/api/admin/models/{version}/promote", async Task<IResult> (string version, RetrainFunction timer, ModelRegistry registry, CancellationToken cancellationToken) =>
            {
                try
                {
                    // An operator's override, e.g. for a candidate the automatic rules refused; it is recorded on the card.
                    await registry.PromoteAsync(version, "promoted by an administrator", cancellationToken);
                }
                catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or ArgumentException)
                {
                    return TypedResults.Problem(statusCode: ex is KeyNotFoundException ? StatusCodes.Status404NotFound : StatusCodes.Status409Conflict, title: "Cannot promote that model", detail: ex.Message);
                }

                await timer.RefreshAsync(cancellationToken);
                return TypedResults.Json(await timer.OverviewAsync(cancellationToken), LearningJsonContext.Default.ModelsOverview);
            })
            .RequireAuthorization(AccessPolicies.Administer).WithName("AdminModelPromote");

        endpoints.MapPost("/api/admin/models/rollback", async Task<IResult> (RetrainFunction timer, ModelRegistry registry, CancellationToken cancellationToken) =>
            {
                try
                {
                    await registry.RollbackAsync(cancellationToken);
                }
                catch (InvalidOperationException ex)
                {
                    return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Nothing to roll back", detail: ex.Message);
                }

                await timer.RefreshAsync(cancellationToken);
                return TypedResults.Json(await timer.OverviewAsync(cancellationToken), LearningJsonContext.Default.ModelsOverview);
            })
            .RequireAuthorization(AccessPolicies.Administer).WithName("AdminModelRollback");
        return endpoints;
    }

    /// <summary>The model in use, a pinned version and every card, newest first.</summary>
    public async Task<ModelsOverview> OverviewAsync(CancellationToken cancellationToken) =>
        new(active.Version, settings.Value.ModelVersion, await registry.ListAsync(cancellationToken));

    public async Task<ModelCard> RetrainAsync(RetrainRequest? request, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<Retrainer>().RunAsync(request, cancellationToken);
    }

    /// <summary>Loads the model that should be in use; on failure the previous one stays and the reason is kept for /api/health.</summary>
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
            await RefreshAsync(stoppingToken);
            var cards = await registry.ListAsync(stoppingToken);
            var due = (cards.Count > 0 ? cards[0].CreatedAt : clock.GetUtcNow()) + settings.Value.RetrainInterval;
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = clock.GetUtcNow();
                await Task.Delay(due - now < RefreshInterval ? Max(due - now, TimeSpan.Zero) : RefreshInterval, clock, stoppingToken);
                await RefreshAsync(stoppingToken);
                if (clock.GetUtcNow() >= due)
                {
                    due = clock.GetUtcNow() + settings.Value.RetrainInterval;
                    try
                    {
                        await RetrainAsync(null, stoppingToken);
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                    {
                        LogRetrainFailed(logger, ex);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    [LoggerMessage(Level = LogLevel.Warning, Message = "The model in use could not be loaded; the previous one (or the logistic prior) stays")]
    private static partial void LogLoadFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retraining failed; it runs again after LEAD_SCORE_RETRAIN_INTERVAL")]
    private static partial void LogRetrainFailed(ILogger logger, Exception exception);
}
