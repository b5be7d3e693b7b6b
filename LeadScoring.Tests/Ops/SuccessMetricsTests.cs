using LeadScoring.Core.Insights;

namespace LeadScoring.Tests.Ops;

/// <summary>Success metrics say how sure they are: a rate with its count and 95 % interval, and no "0.0 days" from deals recorded already won.</summary>
internal sealed class SuccessMetricsTests
{
    [Test]
    public void Interval_TwoOfTwo_IsWideAndCautioned()
    {
        var rate = RateInterval.From(2, 2);

        Assert.That((rate.Rate, rate.Low, rate.High, rate.Caution), Is.EqualTo(((double?)1, (double?)0.3424, (double?)1, true)));
    }

    [Test]
    public void Interval_KnownValue_MatchesWilson()
    {
        // 10 of 100: Wilson 95 % is 5.52 %–17.44 %.
        var rate = RateInterval.From(10, 100);

        Assert.That((rate.Low, rate.High, rate.Caution), Is.EqualTo(((double?)0.0552, (double?)0.1744, false)));
    }

    [Test]
    public void Interval_NoLeads_HasNoRate()
    {
        var rate = RateInterval.From(0, 0);

        Assert.That((rate.Rate, rate.Low, rate.High, rate.Caution), Is.EqualTo(((double?)null, (double?)null, (double?)null, true)));
    }

    [Test]
    public void Summary_DealsClosedAtCreation_AreCountedApartNotAsZeroDays()
    {
        var summary = SuccessMetrics.Summary([0.0, 0.0, 0.01, 20, 40]);

        Assert.That(summary, Is.EqualTo(new TimeToClose(2, 30, 30, 3)));
    }

    [Test]
    public void Summary_OnlyDealsClosedAtCreation_IsNoData()
    {
        var summary = SuccessMetrics.Summary([0.0, 0.0]);

        Assert.That((summary.Deals, summary.MedianDays, summary.MeanDays, summary.ClosedAtCreation), Is.EqualTo((0, (double?)null, (double?)null, 2)));
    }
}
