using System.Globalization;

namespace LeadScoring.Core.Scoring;

/// <summary>The few shapes every factor is built from; each maps a raw number to 0–100 points.</summary>
public static class Curves
{
    /// <summary>
    /// 100·(1 − e^(−x/k)): each extra unit is worth less, so 500 opens can never outweigh a meeting.
    /// k is the count that earns 63 points.
    /// </summary>
    public static double Saturating(double x, double k) => 100 * (1 - Math.Exp(-Math.Max(0, x) / k));

    /// <summary>100·2^(−x/halfLife): 100 at 0, 50 at one half-life, 25 at two.</summary>
    public static double Decay(double x, double halfLife) => 100 * Math.Pow(2, -Math.Max(0, x) / halfLife);

    /// <summary>100 inside [min, max]; outside, halves for each doubling of the distance from the nearer edge.</summary>
    public static double InRange(double x, IdealRange range)
    {
        var value = Math.Max(x, 1);
        if (value < range.Min)
        {
            return 100 * (value / range.Min);
        }

        return value > range.Max ? 100 * (range.Max / value) : 100;
    }

    /// <summary>A rate judged against the portal's: 50 at the prior, 100 at 1, 0 at 0, linear on each side.</summary>
    public static double RateVersusPrior(double rate, double prior) =>
        rate >= prior ? 50 + (50 * (rate - prior) / (1 - prior)) : 50 * rate / prior;

    /// <summary>50 at ratio 1, ±25 per doubling, clamped to 0–100.</summary>
    public static double LogRatio(double ratio) => Math.Clamp(50 + (25 * Math.Log2(ratio)), 0, 100);

    /// <summary>Logistic curve 0–1.</summary>
    public static double Logistic(double x, double midpoint, double scale) => 1 / (1 + Math.Exp(-(x - midpoint) / scale));
}

/// <summary>Formats 2500000 as "2.5M" inside interpolated strings without an intermediate string.</summary>
internal readonly struct Compact(double value) : ISpanFormattable
{
    public string ToString(string? format, IFormatProvider? formatProvider) => string.Create(CultureInfo.InvariantCulture, $"{this}");

    public override string ToString() => ToString(null, null);

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider)
    {
        var (scaled, suffix) = Math.Abs(value) switch
        {
            >= 1e9 => (value / 1e9, "B"),
            >= 1e6 => (value / 1e6, "M"),
            >= 1e4 => (value / 1e3, "k"),
            _ => (value, ""),
        };

        if (!scaled.TryFormat(destination, out charsWritten, suffix.Length == 0 ? "#,##0" : "#,##0.#", CultureInfo.InvariantCulture)
            || !suffix.AsSpan().TryCopyTo(destination[charsWritten..]))
        {
            return false;
        }

        charsWritten += suffix.Length;
        return true;
    }
}

/// <summary>Formats " in the last 90 days", or nothing when the window is unknown.</summary>
internal readonly struct InLastDays(int? days) : ISpanFormattable
{
    public string ToString(string? format, IFormatProvider? formatProvider) => string.Create(CultureInfo.InvariantCulture, $"{this}");

    public override string ToString() => ToString(null, null);

    public bool TryFormat(Span<char> destination, out int charsWritten, ReadOnlySpan<char> format, IFormatProvider? provider) =>
        days is { } d
            ? destination.TryWrite(CultureInfo.InvariantCulture, $" in the last {d} days", out charsWritten)
            : (charsWritten = 0) == 0;
}
