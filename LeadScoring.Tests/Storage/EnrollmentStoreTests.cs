using LeadScoring.Core.Storage;

namespace LeadScoring.Tests.Storage;

[TestFixture]
public sealed class EnrollmentStoreTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);

    private EnrollmentStore _store = null!;

    [SetUp]
    public async Task SetUp() => _store = new EnrollmentStore(await TestStorage.CreateAsync());

    [Test]
    public async Task TryBegin_Twice_FirstClaimsSecondGetsPendingRecord()
    {
        var first = await _store.TryBeginAsync("51", 700, T0);
        var second = await _store.TryBeginAsync("51", 700, T0.AddMinutes(5));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first, Is.Null);
            Assert.That(second, Is.EqualTo(new EnrollmentRecord("51", 700, EnrollmentState.Pending, T0)));
            Assert.That(await _store.TryBeginAsync("51", 701, T0), Is.Null, "another workflow is a separate claim");
        }
    }

    [Test]
    public async Task TryBegin_AfterMarkEnrolled_ReturnsEnrolledRecord()
    {
        await _store.TryBeginAsync("52", 700, T0);
        await _store.MarkEnrolledAsync("52", 700, T0.AddSeconds(2));

        var again = await _store.TryBeginAsync("52", 700, T0.AddDays(1));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(again, Is.EqualTo(new EnrollmentRecord("52", 700, EnrollmentState.Enrolled, T0.AddSeconds(2))));
            Assert.That(await _store.ListAsync(700), Is.EqualTo(new[] { again }));
            Assert.That(await _store.ListAsync(999), Is.Empty);
        }
    }

    [Test]
    public async Task TryBegin_TenConcurrent_ExactlyOneClaims()
    {
        var results = await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(() => _store.TryBeginAsync("53", 800, T0.AddSeconds(i)))));

        using (Assert.EnterMultipleScope())
        {
            Assert.That(results.Count(r => r is null), Is.EqualTo(1));
            Assert.That(results.Where(r => r is not null).Select(r => r!.State), Is.All.EqualTo(EnrollmentState.Pending));
            Assert.That(await _store.ListAsync(800), Has.Count.EqualTo(1));
        }
    }
}
