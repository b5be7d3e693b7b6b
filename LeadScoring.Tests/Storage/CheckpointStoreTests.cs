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
}
