using LeadScoring.Core.Storage;

namespace LeadScoring.Tests.Storage;

[TestFixture]
public sealed class ScoreHistoryStoreTests
{
    private ScoreHistoryStore _history = null!;

    [SetUp]
    public async Task SetUp() => _history = new ScoreHistoryStore(await TestStorage.CreateAsync());

    [Test]
    public async Task Recent_EntriesAppendedOutOfOrder_ReturnsNewestFirstUpToTake()
    {
        var start = new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.FromHours(2)).AddTicks(1234567);
        var entries = new[] { 3, 0, 4, 1, 2 }.Select(i => Entry("51", start.AddMinutes(i), 50 + i)).ToList();
        foreach (var entry in entries)
        {
            await _history.AppendAsync(entry);
        }

        await _history.AppendAsync(Entry("52", start.AddHours(1), 99));

        var recent = await _history.RecentAsync("51", 3);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(recent.Select(e => e.Score), Is.EqualTo(new[] { 54, 53, 52 }));
            Assert.That(recent[0], Is.EqualTo(entries[2]), "every field round-trips, the instant to the tick");
            Assert.That(await _history.RecentAsync("51", 100), Has.Count.EqualTo(5));
            Assert.That(await _history.RecentAsync("53", 10), Is.Empty);
            Assert.That(await _history.RecentAsync("51", 0), Is.Empty);
        }
    }

    [Test]
    public async Task Append_SameInstantTwice_KeepsOneEntry()
    {
        var at = DateTimeOffset.UtcNow;
        await _history.AppendAsync(Entry("60", at, 70));

        await _history.AppendAsync(Entry("60", at, 71));

        Assert.That((await _history.RecentAsync("60", 10)).Select(e => e.Score), Is.EqualTo(new[] { 71 }));
    }

    [Test]
    public void Append_InvalidContactId_Throws() =>
        Assert.That(() => _history.AppendAsync(Entry("a/b", DateTimeOffset.UtcNow, 1)), Throws.ArgumentException);

    private static ScoreHistoryEntry Entry(string contactId, DateTimeOffset at, int score) =>
        new(contactId, at, score, score + 0.25, "Medium", 40, "Follow-up", 0.8, 0.7, 0.6, 0.5, 0.4, "rules-2026.03", "sha256:abc", """{"employees":120}""");
}
