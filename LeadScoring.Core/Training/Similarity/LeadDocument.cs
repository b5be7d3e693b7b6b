using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Runtime.CompilerServices;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Core.Training.Similarity;

/// <summary>
/// The canonical text of a lead that any embedder takes (the local hashing one and Azure OpenAI alike): structured
/// <c>key:value</c> tokens in a fixed order, then the notes as lower-case words. The same lead always gives the same text.
/// </summary>
/// <remarks>
/// <para>Categorical tokens carry the value itself, trimmed, with whitespace and ':' replaced by '_':
/// <c>industry:COMPUTER_SOFTWARE country:US stage:salesqualifiedlead source:ORGANIC_SEARCH</c> (industry, country and
/// source upper-case, stage lower-case, as HubSpot spells them).</para>
/// <para>Numeric tokens carry a bucket <c>bN</c>, so near values share a token and the hashing embedder can also give
/// the neighbouring buckets weight:</para>
/// <list type="bullet">
/// <item><b>log2 scale</b> (counts, days, hours): 0 → b0, 1 → b1, 2–3 → b2, 4–7 → b3, 8–15 → b4 … i.e.
/// bN = [2^(N−1), 2^N) — <c>employees opens clicks replies meetingsbooked meetings calls callsconnected engagements
/// act7 act30 act90 responsehours lastseen deals won lost cycle</c>; fractional hours and days are floored first.</item>
/// <item><b>log2 scale of thousands</b> (money): below 1,000 → b0, 1,000–1,999 → b1, 2,000–3,999 → b2 … —
/// <c>revenue dealsize</c>.</item>
/// <item><b>deciles</b> (rates 0–1): [0, 0.1) → b0 … [0.9, 1] → b9 — <c>winrate</c> (won / (won + lost), when any
/// deal closed), <c>industrywinrate</c>, <c>stageprob</c>.</item>
/// </list>
/// <para><c>meetings</c> counts meetings attended and <c>calls</c> calls attempted; <c>lastseen</c> is the whole days from
/// the last engagement to <see cref="LeadFeatures.AsOf"/> and is omitted without AsOf, so the text never depends on the
/// clock. Unknown values, and values no valid lead has (negative, NaN, infinite), are omitted. Ids are never included.</para>
/// <para>Notes follow the structured tokens: lower-cased, every run of characters that are not letters or digits
/// becomes one space. So note words never contain ':', which is how an embedder tells them from structured tokens.</para>
/// </remarks>
public static class LeadDocument
{
    private const double MaxLog2Value = 1e18;

    public static string ToText(LeadFeatures features, string? notes = null)
    {
        ArgumentNullException.ThrowIfNull(features);

        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[512]);
        Category(ref text, "industry", features.Industry, upper: true);
        Category(ref text, "country", features.Country, upper: true);
        Category(ref text, "stage", features.LifecycleStage, upper: false);
        Category(ref text, "source", features.LeadSource, upper: true);

        Count(ref text, "employees", features.EmployeeCount);
        Money(ref text, "revenue", features.AnnualRevenue);
        Count(ref text, "opens", features.EmailOpens);
        Count(ref text, "clicks", features.EmailClicks);
        Count(ref text, "replies", features.EmailReplies);
        Count(ref text, "meetingsbooked", features.MeetingsBooked);
        Count(ref text, "meetings", features.MeetingsAttended);
        Count(ref text, "calls", features.CallsAttempted);
        Count(ref text, "callsconnected", features.CallsConnected);
        Count(ref text, "engagements", features.TotalEngagements);
        Count(ref text, "act7", features.ActivitiesLast7Days);
        Count(ref text, "act30", features.ActivitiesLast30Days);
        Count(ref text, "act90", features.ActivitiesLast90Days);
        Count(ref text, "responsehours", features.MedianResponseHours);
        if (features is { LastEngagementAt: { } last, AsOf: { } asOf })
        {
            Count(ref text, "lastseen", Math.Max(0, (asOf - last).TotalDays));
        }

        Count(ref text, "deals", features.DealsCount);
        Count(ref text, "won", features.DealsWon);
        Count(ref text, "lost", features.DealsLost);
        if (features is { DealsWon: { } won and >= 0, DealsLost: { } lost and >= 0 } && won + lost > 0)
        {
            Rate(ref text, "winrate", (double)won / (won + lost));
        }

        Money(ref text, "dealsize", features.AverageWonAmount);
        Count(ref text, "cycle", features.MedianSalesCycleDays);
        Rate(ref text, "industrywinrate", features.IndustryWinRate);
        Rate(ref text, "stageprob", features.OpenDealStageProbability);

        if (!string.IsNullOrEmpty(notes))
        {
            Notes(ref text, notes);
        }

        return text.ToStringAndClear();
    }

    /// <summary>log2 bucket of a count: below 1 → 0, otherwise ⌊log2 n⌋ + 1 (at most 60).</summary>
    public static int Log2Bucket(double value) =>
        value < 1 ? 0 : BitOperations.Log2((ulong)Math.Min(value, MaxLog2Value)) + 1;

    public static int DecileBucket(double rate) => Math.Clamp((int)Math.Floor(rate * 10), 0, 9);

    private static void Category(ref DefaultInterpolatedStringHandler text, string key, string? value, bool upper)
    {
        var trimmed = value.AsSpan().Trim();
        if (trimmed.IsEmpty)
        {
            return;
        }

        Separate(ref text);
        text.AppendLiteral(key);
        text.AppendLiteral(":");
        char[]? rented = null;
        var buffer = trimmed.Length <= 128 ? stackalloc char[128] : (rented = ArrayPool<char>.Shared.Rent(trimmed.Length));
        var canonical = buffer[..trimmed.Length];
        for (var i = 0; i < trimmed.Length; i++)
        {
            var c = trimmed[i];
            canonical[i] = char.IsWhiteSpace(c) || c == ':' ? '_' : upper ? char.ToUpperInvariant(c) : char.ToLowerInvariant(c);
        }

        text.AppendFormatted(canonical);
        if (rented is not null)
        {
            ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static void Count(ref DefaultInterpolatedStringHandler text, string key, double? value)
    {
        if (value is { } v && v >= 0 && double.IsFinite(v))
        {
            Bucket(ref text, key, Log2Bucket(Math.Floor(v)));
        }
    }

    private static void Money(ref DefaultInterpolatedStringHandler text, string key, double? value)
    {
        if (value is { } v && v >= 0 && double.IsFinite(v))
        {
            Bucket(ref text, key, Log2Bucket(Math.Floor(v / 1000)));
        }
    }

    private static void Rate(ref DefaultInterpolatedStringHandler text, string key, double? value)
    {
        if (value is { } v && v is >= 0 and <= 1)
        {
            Bucket(ref text, key, DecileBucket(v));
        }
    }

    private static void Bucket(ref DefaultInterpolatedStringHandler text, string key, int bucket)
    {
        Separate(ref text);
        text.AppendLiteral(key);
        text.AppendLiteral(":b");
        text.AppendFormatted(bucket);
    }

    private static void Notes(ref DefaultInterpolatedStringHandler text, string notes)
    {
        var buffer = ArrayPool<char>.Shared.Rent(notes.Length + 1);
        var length = 0;
        foreach (var c in notes)
        {
            if (char.IsLetterOrDigit(c))
            {
                buffer[length++] = char.ToLowerInvariant(c);
            }
            else if (length > 0 && buffer[length - 1] != ' ')
            {
                buffer[length++] = ' ';
            }
        }

        var words = buffer.AsSpan(0, length).TrimEnd(' ');
        if (!words.IsEmpty)
        {
            Separate(ref text);
            text.AppendFormatted(words);
        }

        ArrayPool<char>.Shared.Return(buffer);
    }

    private static void Separate(ref DefaultInterpolatedStringHandler text)
    {
        if (text.Text.Length > 0)
        {
            text.AppendLiteral(" ");
        }
    }
}
