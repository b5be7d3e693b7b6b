using LeadScoring.Core.Storage;

namespace LeadScoring.Tests.Storage;

[TestFixture]
public sealed class LastWrittenScoreStoreTests
{
    private LastWrittenScoreStore _store = null!;

    [SetUp]
    public async Task SetUp() => _store = new LastWrittenScoreStore(await TestStorage.CreateAsync());

    [Test]
    public async Task GetMany_150Set_ReturnsThoseSetAndOmitsAbsent()
    {
        var writtenAt = DateTimeOffset.UtcNow;
        var scores = Enumerable.Range(1, 150).Select(i => Score($"{1000 + i}", i % 100, writtenAt)).ToList();

        await _store.SetManyAsync(scores);
        var found = await _store.GetManyAsync([.. scores.Select(s => s.ContactId), "1", "2", "3"]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found, Has.Count.EqualTo(150));
            Assert.That(found.Keys, Does.Not.Contain("1"));
            Assert.That(found["1042"], Is.EqualTo(scores[41]));
            Assert.That(found.Values, Is.EquivalentTo(scores));
        }
    }

    [Test]
    public async Task SetMany_AgainWithChanges_ReplacesAndLastWins()
    {
        var at = new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);
        await _store.SetManyAsync([Score("7", 10, at), Score("8", 20, at)]);

        await _store.SetManyAsync([Score("7", 11, at), Score("7", 12, at.AddMinutes(1))]);
        var found = await _store.GetManyAsync(["7", "8"]);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(found["7"], Is.EqualTo(Score("7", 12, at.AddMinutes(1))));
            Assert.That(found["8"].Score, Is.EqualTo(20));
        }
    }

    [Test]
    public async Task GetMany_Empty_ReturnsEmpty() =>
        Assert.That(await _store.GetManyAsync([]), Is.Empty);

    private static LastWrittenScore Score(string contactId, int score, DateTimeOffset at) =>
        new(contactId, score, score >= 80 ? "High" : "Low", score / 2, "Nurture", "rules-2026.03", $"sha256:{score}", at);
}
