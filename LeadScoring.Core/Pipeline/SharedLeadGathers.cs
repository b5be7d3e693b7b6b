using System.Diagnostics;
using LeadScoring.Core.HubSpot;

namespace LeadScoring.Core.Pipeline;

/// <summary>
/// Webhook work shares its HubSpot reads. A gather costs about a dozen calls whether it reads 1 lead or 100 (batch
/// reads), so webhooks arriving one by one while a whole-portal batch holds most of the budget would each pay a dozen
/// calls and queue behind one another for HubSpot's window. Here at most <see cref="MaxInFlight"/> real-time gathers
/// run at once; leads asked for while those run wait together and go in the next gather (up to
/// <see cref="MaxLeads"/>). When HubSpot is quick nothing waits — a gather starts at once — and when the budget is
/// the bottleneck, the leads that queue up share one gather instead of each paying for their own. A lead never joins
/// a gather already under way: its change may be newer than what that gather reads.
/// </summary>
public sealed class SharedLeadGathers
{
    /// <summary>Real-time gathers under way at once.</summary>
    public const int MaxInFlight = 2;

    /// <summary>Leads in one shared gather: one HubSpot batch read.</summary>
    public const int MaxLeads = HubSpotClient.BatchSize;

    private readonly Lock _gate = new();
    private readonly Queue<Group> _waiting = new();
    private int _inFlight;

    /// <summary>Gathers under way now (for tests and diagnostics).</summary>
    public int InFlight
    {
        get
        {
            lock (_gate)
            {
                return _inFlight;
            }
        }
    }

    /// <summary>
    /// The records of <paramref name="contactIds"/>, read by <paramref name="gather"/> together with other leads waiting
    /// at the same time. <paramref name="gather"/> is the caller's own reader (typed HTTP clients are not held here).
    /// </summary>
    public async Task<LeadGather> GatherAsync(
        IReadOnlyCollection<string> contactIds, Func<IReadOnlyCollection<string>, CancellationToken, Task<LeadGather>> gather, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(contactIds);
        ArgumentNullException.ThrowIfNull(gather);
        var ids = contactIds.Distinct(StringComparer.Ordinal).ToArray();
        if (ids.Length == 0)
        {
            return new LeadGather(new Dictionary<string, HubSpotLeadRecord>(StringComparer.Ordinal), new Dictionary<string, Exception>(StringComparer.Ordinal));
        }

        var asked = Stopwatch.GetTimestamp();
        Group group;
        var start = false;
        lock (_gate)
        {
            if (_inFlight < MaxInFlight && _waiting.Count == 0)
            {
                group = new Group(gather);
                _inFlight++;
                start = true;
            }
            else if (_waiting.Count > 0 && _waiting.Last() is { } last && last.Count + ids.Length <= MaxLeads)
            {
                group = last;
            }
            else
            {
                group = new Group(gather);
                _waiting.Enqueue(group);
            }

            group.Add(ids);
        }

        if (start)
        {
            Run(group);
        }

        var all = await group.Done.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        return For(all, ids) with { Timing = new SharedGatherTiming(Stopwatch.GetElapsedTime(asked, Math.Max(asked, group.StartedAt)), group.Times) };
    }

    private void Run(Group group) => _ = Task.Run(async () =>
    {
        try
        {
            // The gather serves several callers, so no one caller's cancellation stops it; HubSpot calls have their own timeouts.
            using var lane = HubSpotWork.Enter(HubSpotWorkLane.RealTime);
            using var measure = HubSpotWork.Measure(group.Times);
            group.StartedAt = Stopwatch.GetTimestamp();
            group.Done.TrySetResult(await group.Gather(group.Ids, CancellationToken.None).ConfigureAwait(false));
        }
        catch (Exception ex)
        {
            group.Done.TrySetException(ex);
        }
        finally
        {
            Group? next;
            lock (_gate)
            {
                _inFlight--;
                if (_waiting.TryDequeue(out next))
                {
                    _inFlight++;
                }
            }

            if (next is not null)
            {
                Run(next);
            }
        }
    });

    private static LeadGather For(LeadGather all, string[] ids)
    {
        var records = new Dictionary<string, HubSpotLeadRecord>(StringComparer.Ordinal);
        var failed = new Dictionary<string, Exception>(StringComparer.Ordinal);
        foreach (var id in ids)
        {
            if (all.Records.TryGetValue(id, out var record))
            {
                records[id] = record;
            }
            else if (all.Failed.TryGetValue(id, out var error))
            {
                failed[id] = error;
            }
        }

        return new LeadGather(records, failed);
    }

    private sealed class Group(Func<IReadOnlyCollection<string>, CancellationToken, Task<LeadGather>> gather)
    {
        private readonly HashSet<string> _ids = new(StringComparer.Ordinal);

        public Func<IReadOnlyCollection<string>, CancellationToken, Task<LeadGather>> Gather { get; } = gather;

        public TaskCompletionSource<LeadGather> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Count => _ids.Count;

        /// <summary>When the gather started (Stopwatch ticks).</summary>
        public long StartedAt { get; set; }

        public HubSpotCallTimes Times { get; } = new();

        public IReadOnlyCollection<string> Ids => _ids;

        public void Add(IEnumerable<string> ids) => _ids.UnionWith(ids);
    }
}
