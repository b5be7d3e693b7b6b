using LeadScoring.Core.Storage;

namespace LeadScoring.Tests.Storage;

[TestFixture]
public sealed class CheckpointStoreTests
{
    private static readonly DateTimeOffset T0 = new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero).AddTicks(1234567);

    private CheckpointStore _store = null!;

    [SetUp]
    public async Task SetUp() => _store = new CheckpointStore(await TestStorage.CreateAsync());

    [Test]
    public async Task Get_NeverSet_ReturnsNull() =>
        Assert.That(await _store.GetAsync("contacts-modified"), Is.Null);

    [Test]
    public async Task Set_ForwardThenBackward_NeverMovesBackwards()
    {
        await _store.SetAsync("contacts-modified", T0);
        var first = await _store.GetAsync("contacts-modified");
        await _store.SetAsync("contacts-modified", T0.AddHours(1));
        await _store.SetAsync("contacts-modified", T0.AddMinutes(30));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.EqualTo(T0), "exact to the tick");
            Assert.That(await _store.GetAsync("contacts-modified"), Is.EqualTo(T0.AddHours(1)));
            Assert.That(await _store.GetAsync("other"), Is.Null);
        }
    }

    [Test]
    public async Task Set_ConcurrentSetters_EndAtTheLatest()
    {
        var values = Enumerable.Range(0, 12).Select(i => T0.AddMinutes((i * 7) % 12)).ToList();

        await Task.WhenAll(values.Select(v => Task.Run(() => _store.SetAsync("race", v))));

        Assert.That(await _store.GetAsync("race"), Is.EqualTo(values.Max()));
    }

    [Test]
    public async Task TryClaim_SameSlotTwice_OnlyTheFirstWins()
    {
        var first = await _store.TryClaimAsync("timer", T0, TimeSpan.FromMinutes(7.5));
        var second = await _store.TryClaimAsync("timer", T0, TimeSpan.FromMinutes(7.5));

        Assert.That((first, second), Is.EqualTo((true, false)));
    }

    [Test]
    public async Task TryClaim_AnotherReplicasSlotWithinTolerance_IsNotRunAgain()
    {
        await _store.TryClaimAsync("timer", T0, TimeSpan.FromMinutes(7.5));

        using (Assert.EnterMultipleScope())
        {
            // A replica whose 15-minute timer started 7 minutes later, then one interval on: each interval runs once.
            Assert.That(await _store.TryClaimAsync("timer", T0.AddMinutes(7), TimeSpan.FromMinutes(7.5)), Is.False);
            Assert.That(await _store.TryClaimAsync("timer", T0.AddMinutes(15), TimeSpan.FromMinutes(7.5)), Is.True);
            Assert.That(await _store.TryClaimAsync("timer", T0.AddMinutes(22), TimeSpan.FromMinutes(7.5)), Is.False);
            Assert.That(await _store.TryClaimAsync("timer", T0.AddMinutes(14), TimeSpan.FromMinutes(7.5)), Is.False, "an older slot is never run");
            Assert.That(await _store.GetAsync("timer"), Is.EqualTo(T0.AddMinutes(15)));
        }
    }

    [Test]
    public async Task TryClaim_ConcurrentReplicas_ExactlyOneWins()
    {
        var claims = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => _store.TryClaimAsync("timer", T0, TimeSpan.Zero))));

        Assert.That(claims.Count(c => c), Is.EqualTo(1));
    }
}
