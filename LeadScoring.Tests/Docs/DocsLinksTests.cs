using System.Text.RegularExpressions;

namespace LeadScoring.Tests.Docs;

/// <summary>The README and docs/ link to each other: every relative link names a file that exists and, with a #fragment, a heading in it.</summary>
[TestFixture]
internal sealed partial class DocsLinksTests
{
    private static readonly string Root = Repository.Root();

    private static IEnumerable<string> Pages() =>
        new[] { Path.Combine(Root, "README.md") }.Concat(Directory.GetFiles(Path.Combine(Root, "docs"), "*.md"));

    [Test]
    public void Readme_StaysShort() =>
        Assert.That(File.ReadAllLines(Path.Combine(Root, "README.md")), Has.Length.LessThanOrEqualTo(250), "README.md: topics belong in docs/");

    [TestCaseSource(nameof(Pages))]
    public void RelativeLinks_Resolve(string page)
    {
        var text = File.ReadAllText(page);
        var broken = new List<string>();
        foreach (Match link in Link().Matches(StripCode(text)))
        {
            var target = link.Groups["target"].Value;
            if (target.Contains("://", StringComparison.Ordinal) || target.StartsWith("mailto:", StringComparison.Ordinal))
            {
                continue;
            }

            var (path, fragment) = target.IndexOf('#') is var hash and >= 0 ? (target[..hash], target[(hash + 1)..]) : (target, "");
            var file = path.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, path));
            if (!File.Exists(file) && !Directory.Exists(file))
            {
                broken.Add($"{target}: no file {Path.GetRelativePath(Root, file)}");
            }
            else if (fragment.Length > 0 && file.EndsWith(".md", StringComparison.Ordinal) && !Anchors(File.ReadAllText(file)).Contains(fragment))
            {
                broken.Add($"{target}: no heading #{fragment} in {Path.GetRelativePath(Root, file)}");
            }
        }

        Assert.That(broken, Is.Empty, Path.GetRelativePath(Root, page));
    }

    [Test]
    public void Anchors_FollowGitHubsRule() =>
        Assert.That(Anchors("## Learning: the close-probability model and retraining\n### The AI analyst (optional) and the Azure adapters"),
            Is.EquivalentTo(new[] { "learning-the-close-probability-model-and-retraining", "the-ai-analyst-optional-and-the-azure-adapters" }));

    // GitHub's anchor: lower case, punctuation other than '-' and '_' dropped, spaces to '-'.
    private static HashSet<string> Anchors(string markdown) =>
        Heading().Matches(StripCode(markdown))
            .Select(h => Punctuation().Replace(h.Groups["title"].Value.Trim().ToLowerInvariant(), "").Replace(' ', '-'))
            .ToHashSet(StringComparer.Ordinal);

    private static string StripCode(string markdown) => Fence().Replace(markdown, "");

    [GeneratedRegex(@"\]\((?<target>[^)\s]+)\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"^#{1,6} (?<title>.+)$", RegexOptions.Multiline)]
    private static partial Regex Heading();

    [GeneratedRegex(@"[^\w\- ]")]
    private static partial Regex Punctuation();

    [GeneratedRegex(@"^```.*?^```", RegexOptions.Multiline | RegexOptions.Singleline)]
    private static partial Regex Fence();
}
