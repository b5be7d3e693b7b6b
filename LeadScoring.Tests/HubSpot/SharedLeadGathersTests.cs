using System.Collections.Concurrent;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Pipeline;

namespace LeadScoring.Tests.HubSpot;

/// <summary>Webhook work shares gathers while others run: nothing waits when HubSpot is quick, waiting leads share one gather.</summary>
[TestFixture]
public sealed class SharedLeadGathersTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Test]
    public async Task OneLead_WhenNothingRuns_IsGatheredAtOnceAlone()
    {
        var shared = new SharedLeadGathers();
        var reader = new GatedReader(open: true);

        var result = await shared.GatherAsync(["7"], reader.GatherAsync).WaitAsync(Timeout);

        Assert.That(reader.Calls.Select(c => string.Join(",", c)), Is.EqualTo(new[] { "7" }));
        Assert.That(result.Records.Keys, Is.EquivalentTo(new[] { "7" }));
    }

    [Test]
    public async Task LeadsAskedForWhileGathersRun_ShareTheNextGather_AndEachGetsOnlyItsOwn()
    {
        var shared = new SharedLeadGathers();
        var reader = new GatedReader(open: false);
        var running = Enumerable.Range(1, SharedLeadGathers.MaxInFlight).Select(i => shared.GatherAsync([$"r{i}"], reader.GatherAsync)).ToList();
        await reader.WaitForCallsAsync(SharedLeadGathers.MaxInFlight);

        var waiting = Enumerable.Range(1, 5).Select(i => shared.GatherAsync([$"w{i}", "common"], reader.GatherAsync)).ToList();
        Assert.That(reader.Calls, Has.Count.EqualTo(SharedLeadGathers.MaxInFlight), "nothing more starts while the gathers under way run");

        reader.Open();
        var results = await Task.WhenAll(waiting).WaitAsync(Timeout);
        await Task.WhenAll(running).WaitAsync(Timeout);

        Assert.That(reader.Calls, Has.Count.EqualTo(SharedLeadGathers.MaxInFlight + 1), "the five waiting callers share one gather");
        Assert.That(reader.Calls.Last(), Is.EquivalentTo(new[] { "w1", "w2", "w3", "w4", "w5", "common" }));
        for (var i = 0; i < results.Length; i++)
        {
            Assert.That(results[i].Records.Keys, Is.EquivalentTo(new[] { $"w{i + 1}", "common" }));
        }
    }

    [Test]
    public async Task LeadAskedForWhileItsOwnGatherRuns_IsReadAgainAfterIt_NotFromTheOlderRead()
    {
        var shared = new SharedLeadGathers();
        var reader = new GatedReader(open: false);
        var first = shared.GatherAsync(["7"], reader.GatherAsync);
        var other = shared.GatherAsync(["8"], reader.GatherAsync);
        await reader.WaitForCallsAsync(2);

        var again = shared.GatherAsync(["7"], reader.GatherAsync);
        reader.Open();
        await Task.WhenAll(first, other, again).WaitAsync(Timeout);

        Assert.That(reader.Calls.Count(c => c.Contains("7")), Is.EqualTo(2), "the newer change is read by a gather that starts after it");
    }

    [Test]
    public async Task WaitingLeads_BeyondOneBatchRead_GoInSeveralGathers()
    {
        var shared = new SharedLeadGathers();
        var reader = new GatedReader(open: false);
        var running = Enumerable.Range(1, SharedLeadGathers.MaxInFlight).Select(i => shared.GatherAsync([$"r{i}"], reader.GatherAsync)).ToList();
        await reader.WaitForCallsAsync(SharedLeadGathers.MaxInFlight);

        var waiting = Enumerable.Range(0, 150).Select(i => shared.GatherAsync([$"w{i}"], reader.GatherAsync)).ToList();
        reader.Open();
        await Task.WhenAll(waiting.Concat(running)).WaitAsync(Timeout);

        var later = reader.Calls.Skip(SharedLeadGathers.MaxInFlight).ToList();
        Assert.That(later.Select(c => c.Count), Is.EqualTo(new[] { SharedLeadGathers.MaxLeads, 50 }));
    }

    [Test]
    public async Task SharedGatherThatThrows_FailsEveryCallerInIt_AndTheNextGatherStillRuns()
    {
        var shared = new SharedLeadGathers();
        var reader = new GatedReader(open: false) { Throw = ids => ids.Contains("bad") };
        var running = Enumerable.Range(1, SharedLeadGathers.MaxInFlight).Select(i => shared.GatherAsync([$"r{i}"], reader.GatherAsync)).ToList();
        await reader.WaitForCallsAsync(SharedLeadGathers.MaxInFlight);
        var bad = shared.GatherAsync(["bad"], reader.GatherAsync);
        var withBad = shared.GatherAsync(["x"], reader.GatherAsync);

        reader.Open();
        await Task.WhenAll(running).WaitAsync(Timeout);
        Assert.ThrowsAsync<HubSpotApiException>(() => bad);
        Assert.ThrowsAsync<HubSpotApiException>(() => withBad);

        var after = await shared.GatherAsync(["y"], reader.GatherAsync).WaitAsync(Timeout);
        Assert.That(after.Records.Keys, Is.EquivalentTo(new[] { "y" }));
        Assert.That(shared.InFlight, Is.Zero);
    }

    [Test]
    public async Task LeadsTheReaderCouldNotRead_AreReturnedAsFailed_ToTheirOwnCallerOnly()
    {
        var shared = new SharedLeadGathers();
        var reader = new GatedReader(open: false) { Unreadable = ["w2"] };
        var running = Enumerable.Range(1, SharedLeadGathers.MaxInFlight).Select(i => shared.GatherAsync([$"r{i}"], reader.GatherAsync)).ToList();
        await reader.WaitForCallsAsync(SharedLeadGathers.MaxInFlight);
        var one = shared.GatherAsync(["w1"], reader.GatherAsync);
        var two = shared.GatherAsync(["w2"], reader.GatherAsync);

        reader.Open();
        var (a, b) = (await one.WaitAsync(Timeout), await two.WaitAsync(Timeout));
        await Task.WhenAll(running).WaitAsync(Timeout);

        Assert.That(a.Records.Keys, Is.EquivalentTo(new[] { "w1" }));
        Assert.That(a.Failed, Is.Empty);
        Assert.That(b.Records, Is.Empty);
        Assert.That(b.Failed.Keys, Is.EquivalentTo(new[] { "w2" }));
    }

    /// <summary>A reader that holds every gather until opened and records what each was asked for.</summary>
    private sealed class GatedReader(bool open)
    {
        private readonly TaskCompletionSource _open = NewOpen(open);
        private readonly ConcurrentQueue<IReadOnlyCollection<string>> _calls = new();

        public Func<IReadOnlyCollection<string>, bool> Throw { get; init; } = _ => false;

        public string[] Unreadable { get; init; } = [];

        public List<IReadOnlyCollection<string>> Calls => [.. _calls];

        public void Open() => _open.TrySetResult();

        public async Task WaitForCallsAsync(int count)
        {
            var until = DateTime.UtcNow + Timeout;
            while (_calls.Count < count)
            {
                Assert.That(DateTime.UtcNow, Is.LessThan(until), $"expected {count} gathers to start");
                await Task.Delay(5);
            }
        }

        public async Task<LeadGather> GatherAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken)
        {
            _calls.Enqueue([.. ids]);
            await _open.Task.WaitAsync(cancellationToken);
            if (Throw(ids))
            {
                throw new HubSpotApiException("POST /crm/v3/objects/contacts/batch/read", System.Net.HttpStatusCode.BadGateway, null);
            }

            var records = ids.Where(id => !Unreadable.Contains(id)).ToDictionary(id => id, id => new HubSpotLeadRecord(new HubSpotObject { Id = id }, null, [], []), StringComparer.Ordinal);
            var failed = ids.Where(Unreadable.Contains).ToDictionary(id => id, id => (Exception)new TimeoutException(id), StringComparer.Ordinal);
            return new LeadGather(records, failed);
        }

        private static TaskCompletionSource NewOpen(bool open)
        {
            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            if (open)
            {
                tcs.SetResult();
            }

            return tcs;
        }
    }
}
