namespace LeadScoring.Core.Insights;

/// <summary>A rate as a count out of a total, with its 95 % Wilson score interval; rate and bounds are null when the total is 0.</summary>
public sealed record RateInterval(int Count, int Of, double? Rate, double? Low, double? High)
{
    /// <summary>Below this many, a rate is shown with a caution: its interval is too wide to compare tiers on.</summary>
    public const int SmallSample = 30;

    /// <summary>z for a two-sided 95 % interval.</summary>
    private const double Z = 1.959964;

    public bool Caution => Of < SmallSample;

    /// <summary>
    /// Wilson's interval rather than the normal approximation: it stays inside 0–1 and is not zero-width at 0 % or
    /// 100 %, which is exactly where small tiers land (2 of 2 won is "somewhere between 34 % and 100 %", not "100 %").
    /// </summary>
    public static RateInterval From(int count, int of)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfLessThan(of, count);
        if (of == 0)
        {
            return new RateInterval(count, of, null, null, null);
        }

        var p = count / (double)of;
        var z2 = Z * Z;
        var centre = (p + (z2 / (2 * of))) / (1 + (z2 / of));
        var half = Z / (1 + (z2 / of)) * Math.Sqrt((p * (1 - p) / of) + (z2 / (4.0 * of * of)));
        return new RateInterval(count, of, Math.Round(p, 4), Math.Round(Math.Max(0, centre - half), 4), Math.Round(Math.Min(1, centre + half), 4));
    }
}
