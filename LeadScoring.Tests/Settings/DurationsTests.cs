using LeadScoring.Core.Settings;

namespace LeadScoring.Tests.Settings;

[TestFixture]
public sealed class DurationsTests
{
    [TestCase("300s", 300)]
    [TestCase("15m", 900)]
    [TestCase("1.5h", 5400)]
    [TestCase("7d", 604800)]
    [TestCase("7D", 604800)]
    [TestCase("00:15:00", 900)]
    [TestCase("1.02:00:00", 93600)]
    [TestCase("PT5M", 300)]
    [TestCase("P7D", 604800)]
    [TestCase(" 15m ", 900)]
    public void TryParse_WrittenDuration_ParsesToSeconds(string text, int seconds)
    {
        var ok = Durations.TryParse(text, out var duration);

        Assert.That(ok, Is.True);
        Assert.That(duration, Is.EqualTo(TimeSpan.FromSeconds(seconds)));
    }

    [TestCase("5")]
    [TestCase("")]
    [TestCase(null)]
    [TestCase("m")]
    [TestCase("five minutes")]
    [TestCase("P7X")]
    [TestCase("-5m")]
    public void TryParse_AmbiguousOrInvalid_IsRefused(string? text)
    {
        Assert.That(Durations.TryParse(text, out _), Is.False);
    }
}
