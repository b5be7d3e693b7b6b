using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeadScoring.Core.Training;

namespace LeadScoring.Tests.Host;

/// <summary>
/// Issue #14, input items, over real HTTP against the host (Azurite, no HubSpot needed): every case here was accepted,
/// answered 200/409 or scored before, and is now a 400 (or 413) naming the field or the limit.
/// </summary>
[TestFixture]
internal sealed class InputHardeningTests : HostFixture
{
    // Was: 200, scored "Engaged today".
    [Test]
    public async Task Score_LastEngagementIn2099_400NamingTheField()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/score", Json("""{"industry":"COMPUTER_SOFTWARE","lastEngagementAt":"2099-01-01T00:00:00Z"}"""));

        var errors = await ExpectValidationProblemAsync(response);
        Assert.That(errors.Keys, Is.EqualTo(new[] { "lastEngagementAt" }));
        Assert.That(errors["lastEngagementAt"][0], Does.Contain("in the future"));
    }

    [Test]
    public async Task Score_LastEngagementAMinuteAhead_AcceptedAsClockSkew()
    {
        var ahead = DateTimeOffset.UtcNow.AddMinutes(1).ToString("O", System.Globalization.CultureInfo.InvariantCulture);

        using var response = await SendAsync(HttpMethod.Post, "/api/score", Json($$"""{"lastEngagementAt":"{{ahead}}"}"""));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
    }

    // Was: 200 with a score for a company of 1e308 revenue.
    [Test]
    public async Task Score_AnnualRevenue1e308_400NamingTheFieldAndTheMaximum()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/score", Json("""{"annualRevenue":1e308}"""));

        var errors = await ExpectValidationProblemAsync(response);
        Assert.That(errors.Keys, Is.EqualTo(new[] { "annualRevenue" }));
        Assert.That(errors["annualRevenue"][0], Does.Contain("1,000,000,000,000,000"));
    }

    // Was: 200 (comments skipped, trailing commas allowed).
    [TestCase("""{"emailOpens":6,}""", TestName = "Score_TrailingComma_400")]
    [TestCase("""{"emailOpens":6 /* six */}""", TestName = "Score_Comment_400")]
    public async Task Score_LenientJson_400(string json)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/score", Json(json));

        await ExpectValidationProblemAsync(response);
    }

    [TestCase("""{"classification":"Ideal","score":50,"features":{"industry":"FARMING"},}""", TestName = "CreateTrainingRecord_TrailingComma_400")]
    [TestCase("""{"classification":"Ideal",/* c */"score":50,"features":{}}""", TestName = "CreateTrainingRecord_Comment_400")]
    public async Task CreateTrainingRecord_LenientJson_400(string json)
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/training-records", Json(json));

        await ExpectValidationProblemAsync(response);
    }

    [Test]
    public async Task CreateTrainingRecord_FeaturesWithFutureEngagement_400NamingTheField()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/training-records",
            Json("""{"classification":"Ideal","score":50,"features":{"lastEngagementAt":"2099-01-01T00:00:00Z"}}"""));

        var errors = await ExpectValidationProblemAsync(response);
        Assert.That(errors.Keys, Is.EqualTo(new[] { "features.lastEngagementAt" }));
    }

    [Test]
    public async Task CreateTrainingRecord_ObfuscatedEmailInNotes_Scrubbed()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/training-records",
            Json("""{"classification":"Ideal","score":70,"features":{"industry":"FARMING"},"notes":"ask john(at)example(dot)com or jane [at] acme [dot] io"}"""));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var record = await response.Content.ReadFromJsonAsync(TrainingJsonContext.Default.TrainingRecord);
        Assert.That(record!.Notes, Is.EqualTo("ask [email] or [email]"));
    }

    [Test]
    public async Task ListTrainingRecords_PageSizeNotANumber_400NamingPageSize()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/training-records?pageSize=abc", null);

        var errors = await ExpectValidationProblemAsync(response);
        Assert.That(errors.Keys, Is.EqualTo(new[] { "pageSize" }));
    }

    // Was: 200 with an empty page, as if the list had ended.
    [TestCase("garbage")]
    [TestCase("records 0123456789abcdef")]
    [TestCase("t1.cmVjb3Jkcw.AAAAAAAAAAAAAAAA")]
    public async Task ListTrainingRecords_GarbageContinuationToken_400NamingIt(string token)
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/training-records?continuationToken=" + Uri.EscapeDataString(token), null);

        var errors = await ExpectValidationProblemAsync(response);
        Assert.That(errors.Keys, Is.EqualTo(new[] { "continuationToken" }));
    }

    [Test]
    public async Task ListTrainingRecords_TokenOfThePreviousPage_GivesTheNextPage()
    {
        for (var i = 0; i < 3; i++)
        {
            using var created = await SendAsync(HttpMethod.Post, "/api/training-records", Json($$$"""{"classification":"LessIdeal","score":{{{10 + i}}},"features":{"industry":"FARMING"}}"""));
            Assert.That(created.StatusCode, Is.EqualTo(HttpStatusCode.Created));
        }

        using var first = await SendAsync(HttpMethod.Get, "/api/training-records?pageSize=2", null);
        var page1 = (await first.Content.ReadFromJsonAsync(TrainingJsonContext.Default.TrainingRecordPage))!;
        Assert.That(page1.ContinuationToken, Is.Not.Null);
        using var second = await SendAsync(HttpMethod.Get, "/api/training-records?pageSize=2&continuationToken=" + Uri.EscapeDataString(page1.ContinuationToken!), null);
        var page2 = (await second.Content.ReadFromJsonAsync(TrainingJsonContext.Default.TrainingRecordPage))!;

        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        Assert.That(page2.Records, Is.Not.Empty);
        Assert.That(page2.Records.Select(r => r.Id).Intersect(page1.Records.Select(r => r.Id)), Is.Empty);
    }

    // Was: 409 "Cannot promote that model".
    [Test]
    public async Task PromoteModel_TwoThousandCharacterVersion_400NamingVersion()
    {
        using var response = await SendAsync(HttpMethod.Post, $"/api/admin/models/{new string('m', 2000)}/promote", null, TestHost.AdminKey);

        var errors = await ExpectValidationProblemAsync(response);
        Assert.That(errors.Keys, Is.EqualTo(new[] { "version" }));
    }

    [Test]
    public async Task PromoteModel_UnknownWellFormedVersion_Still404()
    {
        using var response = await SendAsync(HttpMethod.Post, "/api/admin/models/m20990101-000000-123/promote", null, TestHost.AdminKey);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    // Every route that reads a body: 413 naming the limit.
    [TestCase("/api/score", "application/json", 64 * 1024, "64 KB")]
    [TestCase("/api/training-records", "application/json", 64 * 1024, "64 KB")]
    [TestCase("/api/training-records/import", "text/csv", 5 * 1024 * 1024, "5 MB")]
    [TestCase("/api/hubspot/webhooks", "application/json", 1024 * 1024, "1 MB")]
    public async Task OversizedBody_413NamingTheLimit(string path, string mediaType, int limit, string named)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes("[" + new string(' ', limit) + "]"));
        content.Headers.ContentType = new(mediaType);

        using var response = await SendAsync(HttpMethod.Post, path, content);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
        var detail = (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"];
        Assert.That(detail, Does.Contain(named).And.Contain(limit.ToString("N0", System.Globalization.CultureInfo.InvariantCulture) + " bytes"));
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content, string key = TestHost.ManagerKey) =>
        Host.SendAsync(method, path, key, content);

    private static Task<Dictionary<string, string[]>> ExpectValidationProblemAsync(HttpResponseMessage response) => ValidationProblems.ExpectAsync(response);
}
