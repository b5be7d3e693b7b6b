using System.Threading.Channels;
using LeadScoring.HubSpotEmulator.Portal;

namespace LeadScoring.HubSpotEmulator.Webhooks;

/// <summary>Turns portal changes into webhook events and queues them for <see cref="WebhookDispatcher"/>.</summary>
internal sealed class WebhookPublisher(EmulatorOptions options) : IChangeSink
{
    private readonly Channel<IReadOnlyList<WebhookEvent>> _queue = Channel.CreateUnbounded<IReadOnlyList<WebhookEvent>>(new UnboundedChannelOptions { SingleReader = true });
    private long _lastEventId = 4_100_000_000;

    public ChannelReader<IReadOnlyList<WebhookEvent>> Reader => _queue.Reader;

    /// <summary>Subscription ids per subscription type; one subscription covers all properties of its type here.</summary>
    public static long SubscriptionId(string subscriptionType) => subscriptionType switch
    {
        "contact.creation" => 1_000_101,
        "contact.propertyChange" => 1_000_102,
        "company.creation" => 1_000_201,
        "company.propertyChange" => 1_000_202,
        "deal.creation" => 1_000_301,
        "deal.propertyChange" => 1_000_302,
        _ => 1_000_999,
    };

    public void Publish(IReadOnlyList<ObjectChange> changes)
    {
        if (options.WebhookUrl is null)
        {
            return;
        }

        // HubSpot does not promise unique eventIds; here every event one operation caused on one object shares the
        // id (a creation and its property changes, or several properties written together), so consumers must dedupe
        // on the composite key and not on eventId alone.
        var events = new List<WebhookEvent>(changes.Count);
        foreach (var group in changes.GroupBy(c => (c.Operation, c.Type, c.Id)))
        {
            var eventId = Interlocked.Increment(ref _lastEventId);
            foreach (var change in group)
            {
                var type = $"{change.Type.Singular}.{(change.Kind == ChangeKind.Created ? "creation" : "propertyChange")}";
                events.Add(new WebhookEvent(
                    eventId, SubscriptionId(type), options.PortalId, options.AppId, change.At.ToUnixTimeMilliseconds(), type, change.Id,
                    change.Property, change.Value, change.Source.Name, change.Source.SourceId));
            }
        }

        _queue.Writer.TryWrite(events);
    }
}
