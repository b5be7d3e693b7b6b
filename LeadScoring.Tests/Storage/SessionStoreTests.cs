using LeadScoring.Core.Storage;

namespace LeadScoring.Tests.Storage;

/// <summary>Server-side dashboard sessions on Azurite: the hourly sweep deletes the expired ones nobody presents again.</summary>
[TestFixture]
public sealed class SessionStoreTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 10, 0, 0, TimeSpan.Zero);

    [Test]
    public async Task DeleteExpired_KeepsLiveSessions_DeletesEndedOnes()
    {
        var store = new SessionStore(await TestStorage.CreateAsync());
        var live = Session(Now.AddHours(2));
        var ended = new[] { Session(Now.AddMinutes(-1)), Session(Now.AddDays(-3)) };
        foreach (var session in ended.Append(live))
        {
            await store.CreateAsync(session);
        }

        var deleted = await store.DeleteExpiredAsync(Now);
        var again = await store.DeleteExpiredAsync(Now);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(deleted, Is.EqualTo(2));
            Assert.That(again, Is.Zero, "a second sweep finds nothing");
            Assert.That(await store.GetAsync(live.Id), Is.Not.Null, "the live session");
            Assert.That(await store.GetAsync(ended[0].Id), Is.Null);
            Assert.That(await store.GetAsync(ended[1].Id), Is.Null);
        }
    }

    [Test]
    public async Task DeleteExpired_EmptyTable_DeletesNothing() =>
        Assert.That(await new SessionStore(await TestStorage.CreateAsync()).DeleteExpiredAsync(Now), Is.Zero);

    private static SessionRecord Session(DateTimeOffset expiresAt) =>
        new(SessionStore.NewId(), "Manager", "fp0123456789", expiresAt.AddHours(-12), expiresAt);
}
