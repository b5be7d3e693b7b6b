using LeadScoring.Core.Storage;

namespace LeadScoring.Tests.Storage;

[TestFixture]
public sealed class PipelineErrorLogTests
{
    private PipelineErrorLog _log = null!;

    [SetUp]
    public async Task SetUp() => _log = new PipelineErrorLog(await TestStorage.CreateAsync(), TimeProvider.System);

    [Test]
    public async Task Recent_ErrorsAcrossDays_NewestFirstUpToTake()
    {
        var now = DateTimeOffset.UtcNow;
        var errors = new[]
        {
            Error("write-back", now.AddDays(-2)),
            Error("poison", now.AddMinutes(-1), contactId: null, messageId: "m-1"),
            Error("score", now),
            Error("enroll", now.AddDays(-40)),
            Error("score", now.AddHours(-30)),
        };
        foreach (var error in errors)
        {
            await _log.RecordAsync(error);
        }

        var all = await _log.RecentAsync(10);
        var two = await _log.RecentAsync(2);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(all, Is.EqualTo(errors.OrderByDescending(e => e.At)));
            Assert.That(two, Is.EqualTo(new[] { errors[2], errors[1] }));
            Assert.That(await _log.RecentAsync(0), Is.Empty);
        }
    }

    [Test]
    public async Task Recent_ErrorsAtFakeClockTimes_AreStillFound()
    {
        var fake = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await _log.RecordAsync(Error("score", fake));
        await _log.RecordAsync(Error("poison", fake.AddSeconds(1)));
        await _log.RecordAsync(Error("enroll", new DateTimeOffset(2099, 1, 1, 0, 0, 0, TimeSpan.Zero)));

        var recent = await _log.RecentAsync(5);

        Assert.That(recent.Select(e => e.Stage), Is.EqualTo(new[] { "enroll", "poison", "score" }));
    }

    [Test]
    public async Task Record_SameInstantTwice_KeepsBoth()
    {
        var at = DateTimeOffset.UtcNow;

        await _log.RecordAsync(Error("score", at));
        await _log.RecordAsync(Error("score", at));

        Assert.That(await _log.RecentAsync(10), Has.Count.EqualTo(2));
    }

    [Test]
    public async Task Record_LongMessage_IsCut()
    {
        await _log.RecordAsync(new PipelineError("score", "51", new string('x', 10_000), null, DateTimeOffset.UtcNow));

        var message = (await _log.RecentAsync(1)).Single().Message;

        Assert.That(message, Has.Length.EqualTo(PipelineErrorLog.MaxMessageLength).And.EndsWith("…"));
    }

    private static PipelineError Error(string stage, DateTimeOffset at, string? contactId = "51", string? messageId = null) =>
        new(stage, contactId, $"{stage} failed: HTTP 500 from HubSpot", messageId, at);
}
