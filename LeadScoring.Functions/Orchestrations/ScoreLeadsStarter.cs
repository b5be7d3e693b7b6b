using LeadScoring.Core.Pipeline;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;

namespace LeadScoring.Functions.Orchestrations;

/// <summary>
/// Group commit for webhook work, on the worker side: the queue trigger runs one invocation per message, and messages
/// waiting together would otherwise each start a ScoreLeads of one or two contacts — each paying a dozen HubSpot calls
/// and a dozen task-hub writes. Invocations that arrive within <see cref="PipelineOptions.WebhookBatchWindow"/> of each
/// other share one orchestration (up to <see cref="MaxContacts"/> contacts). An invocation returns — and its message is
/// completed — only once the orchestration holding its contacts is scheduled, so nothing is lost to a crash.
/// </summary>
public sealed partial class ScoreLeadsStarter(IOptions<PipelineOptions> options, TimeProvider clock, ILogger<ScoreLeadsStarter> logger)
{
    /// <summary>HubSpot's batch read limit: one ScoreLeads gathers at most this many contacts.</summary>
    public const int MaxContacts = 100;

    private readonly Lock _gate = new();
    private Pending? _open;

    /// <summary>Completes when an orchestration covering <paramref name="input"/> is scheduled; its instance id.</summary>
    public Task<string> StartAsync(DurableTaskClient client, ScoreLeadsInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(input);
        Pending pending;
        lock (_gate)
        {
            if (_open is null || _open.Size + input.ContactIds.Length + input.Companies.Length + input.Deals.Length > MaxContacts)
            {
                _open = new Pending(client, input.Retry);
                _ = FlushAfterWindowAsync(_open);
            }

            pending = _open;
            pending.Add(input);
        }

        return pending.Scheduled.Task.WaitAsync(cancellationToken);
    }

    private async Task FlushAfterWindowAsync(Pending pending)
    {
        await Task.Delay(options.Value.WebhookBatchWindow, clock).ConfigureAwait(false);
        lock (_gate)
        {
            if (ReferenceEquals(_open, pending))
            {
                _open = null;
            }
        }

        try
        {
            var input = pending.Merged();
            var instance = await pending.Client.ScheduleNewOrchestrationInstanceAsync(new TaskName(nameof(ScoreLeadsOrchestration.ScoreLeads)), input).ConfigureAwait(false);
            LogScheduled(logger, instance, pending.Parts, input.ContactIds.Length, input.Companies.Length + input.Deals.Length);
            pending.Scheduled.TrySetResult(instance);
        }
        catch (Exception ex)
        {
            // Every waiting invocation fails, so its message is retried by the queue trigger.
            pending.Scheduled.TrySetException(ex);
        }
    }

    private sealed class Pending(DurableTaskClient client, ActivityRetry? retry)
    {
        private readonly HashSet<string> _contacts = new(StringComparer.Ordinal);
        private readonly HashSet<string> _companies = new(StringComparer.Ordinal);
        private readonly HashSet<string> _deals = new(StringComparer.Ordinal);

        public DurableTaskClient Client { get; } = client;

        public TaskCompletionSource<string> Scheduled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int Parts { get; private set; }

        public int Size => _contacts.Count + _companies.Count + _deals.Count;

        public void Add(ScoreLeadsInput input)
        {
            Parts++;
            _contacts.UnionWith(input.ContactIds);
            _companies.UnionWith(input.Companies);
            _deals.UnionWith(input.Deals);
        }

        public ScoreLeadsInput Merged() => new([.. _contacts], [.. _companies], [.. _deals], "webhook", retry);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "ScoreLeads {InstanceId} scheduled for {Parts} queue messages: {Contacts} contacts, {Parents} companies/deals")]
    private static partial void LogScheduled(ILogger logger, string instanceId, int parts, int contacts, int parents);
}
