using LeadScoring.Core.AI;

namespace LeadScoring.Tests.AI;

/// <summary>The analyst's own check of the model's reply: a model or a stand-in may ignore the schema.</summary>
[TestFixture]
public sealed class AnalystReplyTests
{
    private const string Valid = """{"score":62,"fit":"Medium","nextBestAction":"Nurture","reasons":["Good fit","Quiet lately"],"confidence":0.8}""";

    [Test]
    public void TryParseReply_ValidReply_ReadsEveryField()
    {
        Assert.That(LeadAnalyst.TryParseReply(Valid, out var reply, out var problem), Is.True, problem);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(reply.Score, Is.EqualTo(62));
            Assert.That(reply.Fit, Is.EqualTo("Medium"));
            Assert.That(reply.NextBestAction, Is.EqualTo("Nurture"));
            Assert.That(reply.Reasons, Is.EqualTo(new[] { "Good fit", "Quiet lately" }));
            Assert.That(reply.Confidence, Is.EqualTo(0.8));
        }
    }

    [TestCase("""{"fit":"Medium","nextBestAction":"Nurture","reasons":["a"],"confidence":0.8}""", "missing 'score'")]
    [TestCase("""{"score":62,"confidence":0.8}""", "missing 'fit', 'nextBestAction', 'reasons'")]
    [TestCase("""{"score":"62","fit":"Medium","nextBestAction":"Nurture","reasons":["a"],"confidence":0.8}""", "'score' must be a whole number, got '62'")]
    [TestCase("""{"score":62.5,"fit":"Medium","nextBestAction":"Nurture","reasons":["a"],"confidence":0.8}""", "'score' must be a whole number, got 62.5")]
    [TestCase("""{"score":-1,"fit":"Low","nextBestAction":"Nurture","reasons":["a"],"confidence":0.8}""", "'score' -1 is outside 0–100")]
    [TestCase("""{"score":150,"fit":"High","nextBestAction":"Nurture","reasons":["a"],"confidence":0.8}""", "'score' 150 is outside 0–100")]
    [TestCase("""{"score":62,"fit":"Great","nextBestAction":"Nurture","reasons":["a"],"confidence":0.8}""", "'fit' must be one of High, Medium, Low, got 'Great'")]
    [TestCase("""{"score":62,"fit":"High","nextBestAction":"Nurture","reasons":["a"],"confidence":0.8}""", "'fit' High does not match score 62 (Medium)")]
    [TestCase("""{"score":62,"fit":"Medium","nextBestAction":"Call now","reasons":["a"],"confidence":0.8}""", "'nextBestAction' must be one of Follow-up, Nurture, Close, got 'Call now'")]
    [TestCase("""{"score":62,"fit":"Medium","nextBestAction":"Nurture","reasons":"a","confidence":0.8}""", "'reasons' must be an array, got 'a'")]
    [TestCase("""{"score":62,"fit":"Medium","nextBestAction":"Nurture","reasons":[],"confidence":0.8}""", "'reasons' must have 1–5 entries, got 0")]
    [TestCase("""{"score":62,"fit":"Medium","nextBestAction":"Nurture","reasons":["a","b","c","d","e","f"],"confidence":0.8}""", "'reasons' must have 1–5 entries, got 6")]
    [TestCase("""{"score":62,"fit":"Medium","nextBestAction":"Nurture","reasons":["a",7],"confidence":0.8}""", "'reasons[1]' must be a non-empty string")]
    [TestCase("""{"score":62,"fit":"Medium","nextBestAction":"Nurture","reasons":["  "],"confidence":0.8}""", "'reasons[0]' must be a non-empty string")]
    [TestCase("""{"score":62,"fit":"Medium","nextBestAction":"Nurture","reasons":["a"],"confidence":"high"}""", "'confidence' must be a number, got 'high'")]
    [TestCase("""{"score":62,"fit":"Medium","nextBestAction":"Nurture","reasons":["a"],"confidence":1.2}""", "'confidence' 1.2 is outside 0–1")]
    [TestCase("""{"score":62,"fit":"Medium","nextBestAction":"Nurture","reasons":["a"],"confidence":null}""", "'confidence' must be a number, got null")]
    [TestCase("""{"score":62,"fit":"Medium","nextBestAction":"Nurture","reasons":["a"],"confidence":0.8,"note":"x"}""", "unexpected field 'note'")]
    [TestCase("""```json {"score":62} ```""", "not JSON")]
    [TestCase("null", "expected an object, got null")]
    public void TryParseReply_InvalidReply_SaysWhatIsWrong(string text, string problemStart)
    {
        Assert.That(LeadAnalyst.TryParseReply(text, out _, out var problem), Is.False);
        Assert.That(problem, Does.StartWith(problemStart));
    }

    [Test]
    public void TryParseReply_OverlongReason_IsRefused()
    {
        var text = Valid.Replace("Good fit", new string('x', LeadAnalyst.MaxReasonLength + 1), StringComparison.Ordinal);

        Assert.That(LeadAnalyst.TryParseReply(text, out _, out var problem), Is.False);
        Assert.That(problem, Does.StartWith("'reasons[0]'"));
    }

    [TestCase(10_000, "10 s")]
    [TestCase(300, "300 ms")]
    [TestCase(1_500, "1.5 s")]
    public void Format_Durations_ReadNaturally(int milliseconds, string expected) =>
        Assert.That(LeadAnalyst.Format(TimeSpan.FromMilliseconds(milliseconds)), Is.EqualTo(expected));
}
