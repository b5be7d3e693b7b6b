using LeadScoring.Core.Learning.Retraining;
using LeadScoring.Core.Pipeline;
using LeadScoring.Core.Settings;
using LeadScoring.Core.Storage;
using LeadScoring.Functions.Orchestrations;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Functions;

/// <summary>
/// The batch-rescore, decay and retrain timers. A Functions plan takes cron schedules only (a TimeSpan schedule needs a
/// dedicated plan), and LEAD_SCORE_UPDATE_INTERVAL / LEAD_SCORE_RETRAIN_INTERVAL are intervals (15m, 7d, or the seed's
/// bare milliseconds such as 300000) — so both timers tick once a minute and start their orchestration when it is due:
/// the interval (or the next LEAD_SCORE_UPDATE_SCHEDULE occurrence) after the last run, kept in the Checkpoints table.
/// The Functions host runs a timer on one instance at a time, and the fixed instance ids keep a second start from
/// running twice. A tick costs one table read.
/// </summary>
internal sealed partial class TimerFunctions(CheckpointStore checkpoints, ModelRegistry registry, IOptions<LeadScoringSettings> settings, IOptions<PipelineOptions> pipeline, TimeProvider clock, ILogger<TimerFunctions> logger)
{
    /// <summary>Every minute at second 0: the finest interval the settings allow.</summary>
    public const string Tick = "0 * * * * *";

    internal const string RescoreTimerCheckpoint = "batch-rescore-timer";
    internal const string RetrainTimerCheckpoint = "retrain-timer";
    internal const string DecayTimerCheckpoint = "decay-timer";

    [Function("BatchRescoreTimer")]
    public async Task BatchRescoreTimerAsync([TimerTrigger(Tick)] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var s = settings.Value;
        var last = await checkpoints.GetAsync(RescoreTimerCheckpoint, cancellationToken);
        if (last is null && !(s.InitialRescore && await checkpoints.GetAsync(BatchRescore.CheckpointName, cancellationToken) is null))
        {
            // Not a fresh install to score at once: the first interval starts now.
            await checkpoints.SetAsync(RescoreTimerCheckpoint, now, cancellationToken);
            return;
        }

        if (last is { } at && now < NextRescore(at, s))
        {
            return;
        }

        var (started, _) = await durable.StartUnlessRunningAsync(nameof(BatchRescoreOrchestration.BatchRescore), BatchRescoreOrchestration.InstanceId, AdminFunctions.NewRescore(now, pipeline.Value), cancellationToken);
        await checkpoints.SetAsync(RescoreTimerCheckpoint, now, cancellationToken);
        LogTimer(logger, "batch rescore", started);
    }

    [Function("RetrainTimer")]
    public async Task RetrainTimerAsync([TimerTrigger(Tick)] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var last = await checkpoints.GetAsync(RetrainTimerCheckpoint, cancellationToken);
        if (last is null)
        {
            // Counted from the newest model card, or from now on a fresh install.
            var cards = await registry.ListAsync(cancellationToken);
            await checkpoints.SetAsync(RetrainTimerCheckpoint, cards.Count > 0 ? cards[0].CreatedAt : now, cancellationToken);
            return;
        }

        if (now < last.Value + settings.Value.RetrainInterval)
        {
            return;
        }

        var (started, _) = await durable.StartUnlessRunningAsync(nameof(RetrainOrchestration.Retrain), RetrainOrchestration.InstanceId, new RetrainRequest(), cancellationToken);
        await checkpoints.SetAsync(RetrainTimerCheckpoint, now, cancellationToken);
        LogTimer(logger, "retraining", started);
    }

    /// <summary>The decay pass, every LEAD_SCORE_DECAY_INTERVAL (a day) counted from the first tick after install.</summary>
    [Function("DecayTimer")]
    public async Task DecayTimerAsync([TimerTrigger(Tick)] TimerInfo timer, [DurableClient] DurableTaskClient durable, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var last = await checkpoints.GetAsync(DecayTimerCheckpoint, cancellationToken);
        if (last is null)
        {
            // Nothing has decayed on a fresh install: the first interval starts now.
            await checkpoints.SetAsync(DecayTimerCheckpoint, now, cancellationToken);
            return;
        }

        if (now < last.Value + settings.Value.DecayInterval)
        {
            return;
        }

        var (started, _) = await durable.StartUnlessRunningAsync(nameof(DecayOrchestration.Decay), DecayOrchestration.InstanceId, AdminFunctions.NewDecay(now, pipeline.Value), cancellationToken);
        await checkpoints.SetAsync(DecayTimerCheckpoint, now, cancellationToken);
        LogTimer(logger, "decay pass", started);
    }

    /// <summary>When the batch rescore is next due after a run at <paramref name="last"/>.</summary>
    internal static DateTimeOffset NextRescore(DateTimeOffset last, LeadScoringSettings settings) =>
        settings.UpdateSchedule is { } schedule
            ? new DateTimeOffset(schedule.GetNextOccurrence(last.UtcDateTime), TimeSpan.Zero)
            : last + settings.UpdateInterval;

    [LoggerMessage(Level = LogLevel.Information, Message = "Timer: {What} due; started: {Started} (false: the previous run is still going)")]
    private static partial void LogTimer(ILogger logger, string what, bool started);
}
