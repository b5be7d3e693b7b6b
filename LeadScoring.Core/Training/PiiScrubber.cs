using System.Text.RegularExpressions;

namespace LeadScoring.Core.Training;

/// <summary>
/// Removes emails and phone numbers from free text a manager writes, before it is stored or embedded. Names cannot
/// be detected reliably and are the writer's responsibility (the README says so).
/// </summary>
internal static partial class PiiScrubber
{
    public const string EmailMask = "[email]";
    public const string PhoneMask = "[phone]";

    public static string Scrub(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var withoutEmails = ObfuscatedEmail().Replace(Email().Replace(text, EmailMask), EmailMask);
        return Phone().Replace(withoutEmails, m => m.Value.Count(char.IsAsciiDigit) >= 7 && !Date().IsMatch(m.Value.Trim()) ? PhoneMask : m.Value);
    }

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Email();

    // Emails written to dodge filters: john(at)example(dot)com, jane [at] acme [dot] co [dot] uk, bob at example dot com,
    // kim(at)example.com, lee@example(dot)com. A bare " at " counts only when a domain with a dotted TLD follows, and a
    // plain dot only without spaces around it, so "met at the office. Then" stays; over-masking is the safe mistake.
    [GeneratedRegex(
        @"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]+"
        + @"(?:\s*[(\[{<]\s*(?:at|@)\s*[)\]}>]\s*|\s+at\s+|\s*@\s*)"
        + @"[A-Za-z0-9\-]+"
        + @"(?:(?:\s*[(\[{<]\s*(?:dot|\.)\s*[)\]}>]\s*|\s+dot\s+|\.)[A-Za-z0-9\-]+)*"
        + @"(?:\s*[(\[{<]\s*(?:dot|\.)\s*[)\]}>]\s*|\s+dot\s+|\.)[A-Za-z]{2,}(?![A-Za-z0-9])",
        RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex ObfuscatedEmail();

    // Digits with the usual separators, optionally a leading + and an extension; at least 7 digits and not an ISO
    // date (checked above), so "2026-11-24" and "50k" stay. Over-masking a long number is the safe mistake.
    [GeneratedRegex(@"(?<![\w])(\+?\(?\d[\d\s().\-/]{5,}\d)(\s*(x|ext\.?)\s*\d+)?(?![\w])", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Phone();

    [GeneratedRegex(@"^\d{4}[-/.]\d{1,2}[-/.]\d{1,2}$", RegexOptions.CultureInvariant, matchTimeoutMilliseconds: 1000)]
    private static partial Regex Date();
}
