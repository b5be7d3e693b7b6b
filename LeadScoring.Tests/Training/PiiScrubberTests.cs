using LeadScoring.Core.Training;

namespace LeadScoring.Tests.Training;

[TestFixture]
public sealed class PiiScrubberTests
{
    [TestCase("Mail ada.lovelace@example.com today", "Mail [email] today")]
    [TestCase("two: a@b.io, c.d+x@sub.example.co.uk", "two: [email], [email]")]
    [TestCase("Call +44 20 7946 0958 after 5", "Call [phone] after 5")]
    [TestCase("cell (555) 123-4567 ext. 89", "cell [phone]")]
    [TestCase("office 555.123.4567", "office [phone]")]
    [TestCase("+1-202-555-0143", "[phone]")]
    public void Scrub_EmailsAndPhones_AreMasked(string input, string expected)
    {
        Assert.That(PiiScrubber.Scrub(input), Is.EqualTo(expected));
    }

    // Defect #14: obfuscated addresses were stored as written.
    [TestCase("CFO john(at)example(dot)com", "CFO [email]")]
    [TestCase("jane [at] acme [dot] co [dot] uk, then", "[email], then")]
    [TestCase("write to bob at example dot com today", "write to [email] today")]
    [TestCase("Email: ada AT Example DOT org", "Email: [email]")]
    [TestCase("kim(at)example.com and lee@example(dot)com", "[email] and [email]")]
    [TestCase("mia {at} example {dot} io", "[email]")]
    [TestCase("contact: sam <at> mail [.] example [.] com", "contact: [email]")]
    public void Scrub_ObfuscatedEmails_AreMasked(string input, string expected)
    {
        Assert.That(PiiScrubber.Scrub(input), Is.EqualTo(expected));
    }

    [TestCase("Met on 2026-11-24, budget 50k, 3 seats, 12 months")]
    [TestCase("Met at the office. Then we talked at length about pricing")]
    [TestCase("Demo at 10am, look at the roadmap")]
    [TestCase("Deal size 25000 EUR, 250 employees")]
    [TestCase("Great fit: VP Sales wants a pilot in Q1")]
    public void Scrub_NoPersonalData_LeavesTextAlone(string input)
    {
        Assert.That(PiiScrubber.Scrub(input), Is.EqualTo(input));
    }
}
