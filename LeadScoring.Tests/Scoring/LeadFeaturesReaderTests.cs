using System.Text;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Scoring;

[TestFixture]
public sealed class LeadFeaturesReaderTests
{
    private static Task<(LeadFeatures? Features, IReadOnlyList<LeadScoring.Core.ValidationError> Errors)> Read(string json) =>
        LeadFeaturesReader.ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(json)), TimeProvider.System);

    [Test]
    public async Task ReadAsync_ValidDocument_ReturnsFeaturesAndNoErrors()
    {
        const string Json = """
            {
              "contactId": "101",
              "asOf": "2026-11-24T12:00:00Z",
              "industry": "COMPUTER_SOFTWARE",
              "employeeCount": 400,
              "annualRevenue": 40000000.5,
              "country": "US",
              "emailOpens": 6,
              "meetingsBooked": 2,
              "meetingsAttended": 1,
              "lastEngagementAt": "2026-11-20T08:30:00+01:00",
              "industryWinRate": 0.35
            }
            """;

        var (features, errors) = await Read(Json);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors, Is.Empty);
            Assert.That(features, Is.Not.Null);
            Assert.That(features!.ContactId, Is.EqualTo("101"));
            Assert.That(features.AsOf, Is.EqualTo(Leads.Now));
            Assert.That(features.Industry, Is.EqualTo("COMPUTER_SOFTWARE"));
            Assert.That(features.EmployeeCount, Is.EqualTo(400));
            Assert.That(features.AnnualRevenue, Is.EqualTo(40_000_000.5));
            Assert.That(features.EmailOpens, Is.EqualTo(6));
            Assert.That(features.MeetingsAttended, Is.EqualTo(1));
            Assert.That(features.LastEngagementAt, Is.EqualTo(new DateTimeOffset(2026, 11, 20, 7, 30, 0, TimeSpan.Zero)));
            Assert.That(features.IndustryWinRate, Is.EqualTo(0.35));
            Assert.That(features.EmailClicks, Is.Null, "absent fields stay unknown, not 0");
        }
    }

    // Defect #14: the reader skipped comments and accepted trailing commas, which no other JSON client of the API does.
    [TestCase("""{"emailOpens": 6,}""", TestName = "ReadAsync_TrailingComma_Rejected")]
    [TestCase("""{"emailOpens": 6 /* six */}""", TestName = "ReadAsync_BlockComment_Rejected")]
    [TestCase("{\n  // opens\n  \"emailOpens\": 6\n}", TestName = "ReadAsync_LineComment_Rejected")]
    public async Task ReadAsync_LenientJson_Rejected(string json)
    {
        var (features, errors) = await Read(json);

        Assert.That(features, Is.Null);
        Assert.That(errors, Has.Count.EqualTo(1));
    }

    [Test]
    public async Task ReadAsync_FutureLastEngagement_RejectedNamingTheField()
    {
        var (features, errors) = await Read("""{"lastEngagementAt":"2099-01-01T00:00:00Z"}""");

        Assert.That(features, Is.Null);
        Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { "lastEngagementAt" }));
        Assert.That(errors[0].Message, Does.Contain("in the future"));
    }

    [Test]
    public async Task ReadAsync_EmptyObject_AllUnknown()
    {
        var (features, errors) = await Read("{}");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors, Is.Empty);
            Assert.That(features, Is.EqualTo(new LeadFeatures()));
        }
    }

    [TestCase("""{ "emailOpens": 6 """)]
    [TestCase("""{ "emailOpens": 6,, }""")]
    [TestCase("not json")]
    [TestCase("")]
    public async Task ReadAsync_MalformedJson_SingleErrorAtRootOrPath(string json)
    {
        var (features, errors) = await Read(json);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(features, Is.Null);
            Assert.That(errors, Has.Count.EqualTo(1));
            Assert.That(errors[0].Field, Is.EqualTo("$").Or.EqualTo("emailOpens"));
            Assert.That(errors[0].Message, Is.Not.Empty.And.Not.Contain("LineNumber"));
        }
    }

    [TestCase("""{ "emailOpens": "six" }""", "emailOpens")]
    [TestCase("""{ "emailOpens": "6" }""", "emailOpens")]
    [TestCase("""{ "emailOpens": 6.5 }""", "emailOpens")]
    [TestCase("""{ "contactId": 101 }""", "contactId")]
    [TestCase("""{ "lastEngagementAt": "yesterday" }""", "lastEngagementAt")]
    [TestCase("""{ "industryWinRate": [0.3] }""", "industryWinRate")]
    public async Task ReadAsync_WrongType_NamesField(string json, string field)
    {
        var (features, errors) = await Read(json);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(features, Is.Null);
            Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { field }));
            Assert.That(errors[0].Message, Does.StartWith("has the wrong type"));
        }
    }

    [TestCase("""{ "emailOpen": 6 }""", "emailOpen")]
    [TestCase("""{ "email": "jane@example.com" }""", "email")]
    public async Task ReadAsync_UnknownField_NamesIt(string json, string field)
    {
        var (features, errors) = await Read(json);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(features, Is.Null);
            Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { field }));
            Assert.That(errors[0].Message, Is.EqualTo("is not a known field"));
        }
    }

    [Test]
    public async Task ReadAsync_NullBody_NamesRoot()
    {
        var (features, errors) = await Read("null");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(features, Is.Null);
            Assert.That(errors.Select(e => e.Field), Is.EqualTo(new[] { "$" }));
            Assert.That(errors[0].Message, Does.Contain("not null"));
        }
    }

    [Test]
    public async Task ReadAsync_ImpossibleValues_ValidatorErrorsAndNoFeatures()
    {
        var (features, errors) = await Read("""{ "meetingsBooked": 1, "meetingsAttended": 2, "country": "USA" }""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(features, Is.Null);
            Assert.That(errors.Select(e => e.Field), Is.EquivalentTo(new[] { "meetingsAttended", "country" }));
        }
    }

    [Test]
    public async Task ReadAsync_ExplicitNulls_MeanUnknown()
    {
        var (features, errors) = await Read("""{ "emailOpens": null, "country": null }""");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(errors, Is.Empty);
            Assert.That(features!.EmailOpens, Is.Null);
            Assert.That(features.Country, Is.Null);
        }
    }
}
