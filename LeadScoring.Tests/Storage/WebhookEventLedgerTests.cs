using Azure.Data.Tables;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Storage;

namespace LeadScoring.Tests.Storage;

[TestFixture]
public sealed class WebhookEventLedgerTests
{
    private LeadScoringStorage _storage = null!;
    private WebhookEventLedger _ledger = null!;

    [SetUp]
    public async Task SetUp()
    {
        _storage = await TestStorage.CreateAsync();
        _ledger = new WebhookEventLedger(_storage, TimeProvider.System);
    }

    [Test]
    public async Task WhereNew_SomeRecorded_ReturnsOnlyUnrecordedInOrder()
    {
        var (a, b, c) = (Event(1, 100), Event(2, 100), Event(3, 100));
        await _ledger.RecordAsync([b]);

        var fresh = await _ledger.WhereNewAsync([a, b, c]);

        Assert.That(fresh, Is.EqualTo(new[] { a, c }));
    }

    [Test]
    public async Task WhereNew_DuplicatesWithinInput_CollapseToFirst()
    {
        var first = Event(7, 100);
        var retry = Event(7, 100, attemptNumber: 2);
        var sameEventIdOtherObject = Event(7, 100, objectId: 999);

        var fresh = await _ledger.WhereNewAsync([first, retry, sameEventIdOtherObject]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(fresh, Has.Count.EqualTo(2));
            Assert.That(fresh[0], Is.SameAs(first));
            Assert.That(fresh[1], Is.SameAs(sameEventIdOtherObject));
        }
    }

    [Test]
    public async Task Record_250EventsAcrossTwoPortals_RecordsEveryOneByPortal()
    {
        var events = Enumerable.Range(1, 150).Select(i => Event(i, 111))
            .Concat(Enumerable.Range(1, 100).Select(i => Event(i, 222)))
            .ToList();

        await _ledger.RecordAsync(events);

        var rows = await RowsAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(await _ledger.WhereNewAsync(events), Is.Empty);
            Assert.That(rows.Count(r => r.PartitionKey.StartsWith("111-", StringComparison.Ordinal)), Is.EqualTo(150));
            Assert.That(rows.Count(r => r.PartitionKey.StartsWith("222-", StringComparison.Ordinal)), Is.EqualTo(100));
            Assert.That(rows.Select(r => r.PartitionKey).Distinct().Count(), Is.EqualTo(32), "each portal's events spread over 16 hash partitions");
            Assert.That(rows.Select(r => r.RowKey), Is.All.Match("^[0-9a-f]{64}$"));
        }
    }

    [Test]
    public async Task WhereNew_ManyEventsInOnePartition_ChecksThemAllAcrossQueryChunks()
    {
        // All keys start with 'a': one partition, so the check needs several 14-row queries.
        var events = Enumerable.Range(1, 60)
            .Select(i => new AcceptedWebhookEvent(444, "a" + Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)))[1..], ScoreRequestKind.Contact, "51", "contact.creation"))
            .ToList();
        await _ledger.RecordAsync([.. events.Where((_, i) => i % 2 == 0)]);

        var fresh = await _ledger.WhereNewAsync(events);

        Assert.That(fresh, Is.EqualTo(events.Where((_, i) => i % 2 == 1)));
    }

    [Test]
    public async Task Record_AgainAndWithDuplicates_IsIdempotent()
    {
        var events = Enumerable.Range(1, 120).Select(i => Event(i, 333)).ToList();
        await _ledger.RecordAsync(events);

        await _ledger.RecordAsync([.. events, .. Enumerable.Range(1, 10).Select(i => Event(i, 333))]);

        var rows = await RowsAsync();
        using (Assert.EnterMultipleScope())
        {
            Assert.That(rows, Has.Count.EqualTo(120));
            Assert.That(rows.Select(r => r.Keys), Is.All.Not.Contains("PropertyValue"), "no event content is stored");
        }
    }

    private async Task<List<TableEntity>> RowsAsync()
    {
        var rows = new List<TableEntity>();
        await foreach (var row in _storage.Table(_storage.Names.WebhookEvents).QueryAsync<TableEntity>())
        {
            rows.Add(row);
        }

        return rows;
    }

    /// <summary>An event as the endpoint queues it; a retry (another attempt number) has the same key.</summary>
    private static AcceptedWebhookEvent Event(long eventId, long portalId, long objectId = 51, int attemptNumber = 0)
    {
        var e = new HubSpotWebhookEvent
        {
            EventId = eventId,
            PortalId = portalId,
            SubscriptionId = 310,
            SubscriptionType = "contact.propertyChange",
            ObjectId = objectId,
            PropertyName = "email",
            PropertyValue = "someone@example.com",
            OccurredAt = 1_718_000_000_000 + eventId,
            AttemptNumber = attemptNumber,
        };
        return new AcceptedWebhookEvent(portalId, WebhookEventLedger.KeyOf(e), ScoreRequestKind.Contact, objectId.ToString(System.Globalization.CultureInfo.InvariantCulture), e.SubscriptionType);
    }
}
