using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Pipeline;
using LeadScoring.Core.Settings;
using LeadScoring.Core.Storage;
using LeadScoring.Functions.Security;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Functions;

/// <summary>
/// The batch-rescore timer: every LEAD_SCORE_UPDATE_INTERVAL, or at each LEAD_SCORE_UPDATE_SCHEDULE occurrence,
/// enqueue contacts modified since the checkpoint; on a fresh install (no checkpoint) once at start-up too.
/// <c>POST /api/admin/rescore</c> (Admin) runs it now.
/// </summary>
internal sealed partial class BatchRescoreFunction(IServiceScopeFactory scopes, IOptions<LeadScoringSettings> settings, TimeProvider clock, ILogger<BatchRescoreFunction> logger)
    : BackgroundService
{
    /// <summary>The last scheduled run claimed by any replica (Checkpoints table).</summary>
    internal const string TimerRunCheckpoint = "batch-rescore-timer";

    private readonly SemaphoreSlim _oneAtATime = new(1, 1);

    public static IEndpointRouteBuilder MapAdminRescore(IEndpointRouteBuilder endpoints)
    {
        endpoints.MapPost("/api/admin/rescore", async Task<IResult> (BatchRescoreFunction timer, CancellationToken cancellationToken) =>
            {
                try
                {
                    return TypedResults.Json(await timer.RunOnceAsync(cancellationToken), PipelineJsonContext.Default.BatchRescoreResult);
                }
                catch (HubSpotApiException ex)
                {
                    // The checkpoint only moved past what was enqueued; running again continues from there.
                    return TypedResults.Problem(statusCode: StatusCodes.Status502BadGateway, title: "HubSpot failed during the batch rescore", detail: ex.Message);
                }
            })
            .RequireAuthorization(AccessPolicies.Administer).WithName("AdminRescore");
        return endpoints;
    }

    /// <summary>Runs one batch; concurrent callers (timer and admin) take turns.</summary>
    public async Task<BatchRescoreResult> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _oneAtATime.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            return await scope.ServiceProvider.GetRequiredService<BatchRescore>().RunAsync(cancellationToken);
        }
        finally
        {
            _oneAtATime.Release();
        }
    }

    public override void Dispose()
    {
        _oneAtATime.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A fresh install (no checkpoint yet) scores the whole portal right away instead of after the first interval.
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            if (settings.Value.InitialRescore
                && await scope.ServiceProvider.GetRequiredService<CheckpointStore>().GetAsync(BatchRescore.CheckpointName, stoppingToken) is null)
            {
                await RunOnceAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex)
        {
            LogRunFailed(logger, ex);
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            var now = clock.GetUtcNow();
            var s = settings.Value;
            var next = s.UpdateSchedule is { } schedule
                ? new DateTimeOffset(schedule.GetNextOccurrence(now.UtcDateTime), TimeSpan.Zero)
                : now + s.UpdateInterval;
            try
            {
                await Task.Delay(next - now, clock, stoppingToken);
                if (await ClaimAsync(next, s, stoppingToken))
                {
                    await RunOnceAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // Recorded in PipelineHealth by BatchRescore; the checkpoint did not move past what was enqueued.
                LogRunFailed(logger, ex);
            }
        }
    }

    /// <summary>
    /// With several replicas (KEDA scale-out) each has this timer; one of them runs each interval, as the Functions
    /// runtime's singleton timers do. A cron occurrence is the same instant everywhere; intervals started at different
    /// times count as one when within half an interval.
    /// </summary>
    private async Task<bool> ClaimAsync(DateTimeOffset slot, LeadScoringSettings s, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var tolerance = s.UpdateSchedule is null ? s.UpdateInterval / 2 : TimeSpan.Zero;
        var claimed = await scope.ServiceProvider.GetRequiredService<CheckpointStore>().TryClaimAsync(TimerRunCheckpoint, slot, tolerance, cancellationToken);
        if (!claimed)
        {
            LogRunByAnotherReplica(logger, slot);
        }

        return claimed;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Batch rescore at {Slot:O} is run by another replica")]
    private static partial void LogRunByAnotherReplica(ILogger logger, DateTimeOffset slot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Batch rescore failed; it runs again at the next interval")]
    private static partial void LogRunFailed(ILogger logger, Exception exception);
}
