using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace LeadScoring.Tests.Host;

/// <summary>The README's score examples, run as written against the host: they answer 200, and what they say agrees with itself.</summary>
[TestFixture]
internal sealed partial class ReadmeExamplesTests : HostFixture
{
    [Test]
    public async Task ScoreExamples_AsWritten_Answer200()
    {
        foreach (var body in Examples())
        {
            using var response = await Host.SendAsync(HttpMethod.Post, "/api/score", TestHost.ManagerKey, Json(body));
            var text = await response.Content.ReadAsStringAsync();
            await TestContext.Out.WriteLineAsync(body + "\n→ " + text);
            Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), text);
            AssertAgreesWithItself(body, text);
        }
    }

    // A sample that sends engagement counts must not be told it has no engagement on record.
    private static void AssertAgreesWithItself(string request, string answer)
    {
        using var sent = JsonDocument.Parse(request);
        var counts = new[] { "emailOpens", "emailClicks", "emailReplies", "meetingsBooked", "meetingsAttended", "callsAttempted", "callsConnected" }
            .Any(name => sent.RootElement.TryGetProperty(name, out var value) && value.GetInt32() > 0);
        if (counts)
        {
            Assert.That(answer, Does.Not.Contain("no engagement on record"), "the sample sends engagement counts");
        }
    }

    /// <summary>The inline <c>-d '…'</c> of the README's score example and the sample file it names.</summary>
    private static IEnumerable<string> Examples()
    {
        var root = Repository.Root();
        var readme = File.ReadAllText(Path.Combine(root, "README.md"));
        var inline = InlineBody().Match(readme);
        Assert.That(inline.Success, Is.True, "the README's curl example of /api/score");
        yield return inline.Groups["body"].Value;
        yield return File.ReadAllText(Path.Combine(root, "samples", "lead-features.json"));
    }

    [GeneratedRegex(@"/api/score \\\s+-H[^\n]*\n\s+-d '(?<body>\{[^']*\})'")]
    private static partial Regex InlineBody();
}
