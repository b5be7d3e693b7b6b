using System.Collections.Concurrent;
using LeadScoring.Core.HubSpot;
using Microsoft.Extensions.Logging;

namespace LeadScoring.Core.Pipeline;

/// <summary>
/// Where a webhook's lead spends its time on the way to HubSpot, as this instance saw it: on the score-requests queue,
/// in the worker until its ScoreLeads is scheduled, in the task hub until the activity starts, waiting for a shared
/// gather, gathering (of which waiting for rate budget, and HubSpot answering), scoring and writing back. One line per
/// lead at Information; a lead whose stages ran on other instances, or whose work failed, is not reported, and is
/// forgotten once it is <see cref="StaleAfter"/> old and room is needed.
/// </summary>
public sealed partial class WebhookLatency(TimeProvider clock, ILogger<WebhookLatency> logger)
{
    /// <summary>Leads followed at once; beyond this (a backlog) new ones are not followed.</summary>
    internal const int Capacity = 10_000;

    /// <summary>A lead followed this long without being written never will be here (another instance took it, or its work failed).</summary>
    internal static readonly TimeSpan StaleAfter = TimeSpan.FromMinutes(10);

    private readonly ConcurrentDictionary<string, Marks> _leads = new(StringComparer.Ordinal);

    /// <summary>Leads followed now (for tests).</summary>
    internal int Following => _leads.Count;

    /// <summary>The queue trigger has a message written at <paramref name="queuedAt"/> holding these contacts.</summary>
    public void Dequeued(IEnumerable<string> contactIds, DateTimeOffset queuedAt)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        var now = clock.GetUtcNow();
        if (_leads.Count >= Capacity)
        {
            // Full: only leads nobody will report on fill it, so make room by forgetting the stale ones.
            foreach (var (id, marks) in _leads)
            {
                if (now - marks.Dequeued > StaleAfter)
                {
                    _leads.TryRemove(id, out _);
                }
            }
        }

        foreach (var id in contactIds)
        {
            if (_leads.Count < Capacity)
            {
                _leads.TryAdd(id, new Marks(queuedAt, now)); // a lead already followed keeps its earliest request
            }
        }
    }

    /// <summary>The ScoreLeads orchestration holding these contacts is scheduled.</summary>
    public void Scheduled(IEnumerable<string> contactIds) => Mark(contactIds, static (m, now) => m.Scheduled ??= now);

    /// <summary>The activity that gathers, scores and writes these contacts has started.</summary>
    public void Started(IEnumerable<string> contactIds) => Mark(contactIds, static (m, now) => m.Started ??= now);

    /// <summary>These contacts are written (or found unchanged): reports each one followed, and forgets it.</summary>
    public void Done(IEnumerable<string> contactIds, WebhookWorkTimes work)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        ArgumentNullException.ThrowIfNull(work);
        var now = clock.GetUtcNow();
        foreach (var id in contactIds)
        {
            if (!_leads.TryRemove(id, out var m) || m.Scheduled is not { } scheduled || m.Started is not { } started)
            {
                continue;
            }

            if (logger.IsEnabled(LogLevel.Information))
            {
                Report(now - m.Queued, m.Dequeued - m.Queued, scheduled - m.Dequeued, started - scheduled, work);
            }
        }
    }

    private void Report(TimeSpan total, TimeSpan queue, TimeSpan schedule, TimeSpan dispatch, WebhookWorkTimes work)
    {
        double totalMs = Ms(total), queueMs = Ms(queue), scheduleMs = Ms(schedule), dispatchMs = Ms(dispatch), waitMs = Ms(work.SharedWait), gatherMs = Ms(work.Gather);
        double gatherBudgetMs = Ms(work.GatherCalls.MaxWait), gatherHubSpotMs = Ms(work.GatherCalls.MaxCall), scoreMs = Ms(work.Score), writeMs = Ms(work.WriteBack);
        double writeBudgetMs = Ms(work.WriteCalls.TotalWait), writeHubSpotMs = Ms(work.WriteCalls.TotalCall);
        var gatherCalls = work.GatherCalls.Calls;
        LogStages(logger, totalMs, queueMs, scheduleMs, dispatchMs, waitMs, gatherMs, gatherBudgetMs, gatherHubSpotMs, gatherCalls, scoreMs, writeMs, writeBudgetMs, writeHubSpotMs);
    }

    private void Mark(IEnumerable<string> contactIds, Action<Marks, DateTimeOffset> mark)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        var now = clock.GetUtcNow();
        foreach (var id in contactIds)
        {
            if (_leads.TryGetValue(id, out var m))
            {
                mark(m, now);
            }
        }
    }

    private static double Ms(TimeSpan span) => Math.Max(0, span.TotalMilliseconds);

    private sealed class Marks(DateTimeOffset queued, DateTimeOffset dequeued)
    {
        public DateTimeOffset Queued { get; } = queued;

        public DateTimeOffset Dequeued { get; } = dequeued;

        public DateTimeOffset? Scheduled { get; set; }

        public DateTimeOffset? Started { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Webhook lead stages: total {TotalMs:0} ms = queue {QueueMs:0} ms, schedule {ScheduleMs:0} ms, dispatch {DispatchMs:0} ms, "
        + "gather wait {SharedWaitMs:0} ms, gather {GatherMs:0} ms (budget wait max {GatherBudgetMaxMs:0} ms, HubSpot max {GatherHubSpotMaxMs:0} ms, {GatherCalls} calls), "
        + "score {ScoreMs:0} ms, write-back {WriteMs:0} ms (budget wait {WriteBudgetMs:0} ms, HubSpot {WriteHubSpotMs:0} ms)")]
    private static partial void LogStages(ILogger logger, double totalMs, double queueMs, double scheduleMs, double dispatchMs, double sharedWaitMs, double gatherMs,
        double gatherBudgetMaxMs, double gatherHubSpotMaxMs, long gatherCalls, double scoreMs, double writeMs, double writeBudgetMs, double writeHubSpotMs);
}

/// <summary>What one gather-score-write of webhook work took, stage by stage.</summary>
/// <param name="SharedWait">Waiting for a shared gather to start (<see cref="SharedLeadGathers"/>).</param>
public sealed record WebhookWorkTimes(TimeSpan SharedWait, TimeSpan Gather, HubSpotCallTimes GatherCalls, TimeSpan Score, TimeSpan WriteBack, HubSpotCallTimes WriteCalls);
