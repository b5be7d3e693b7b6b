using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using LeadScoring.Core.Scoring;

namespace LeadScoring.Tests.Host;

/// <summary>POST /api/score over real HTTP: the happy path and every kind of bad request.</summary>
[TestFixture]
internal sealed class ScoreEndpointTests : HostFixture
{
    private const string ValidLead = """
        {"contactId":"101","asOf":"2026-11-24T12:00:00Z","industry":"COMPUTER_SOFTWARE","employeeCount":400,"country":"US",
         "lifecycleStage":"salesqualifiedlead","engagementWindowDays":30,"emailOpens":6,"meetingsBooked":2,"meetingsAttended":2,
         "lastEngagementAt":"2026-11-22T12:00:00Z"}
        """;

    [Test]
    public async Task Score_ValidLeadWithManagerKey_ReturnsScoreDocument()
    {
        using var response = await PostAsync(ValidLead, TestHost.ManagerKey);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        var score = await response.Content.ReadFromJsonAsync(ScoringJsonContext.Default.LeadScore);
        Assert.That(score, Is.Not.Null);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(score!.ContactId, Is.EqualTo("101"));
            Assert.That(score.Score, Is.InRange(0, 100));
            Assert.That(score.Priority, Is.EqualTo(PriorityBands.FromScore(score.Score)));
            Assert.That(score.TopReasons.Select(r => r.Text), Has.Some.Contains("Attended 2 meetings in the last 30 days"));
            Assert.That(score.ModelVersion, Is.EqualTo("rules-1/default@1"));
            Assert.That(score.Analyst!.Fallback, Is.True, "no AZURE_OPENAI_ENDPOINT: the deterministic score stands");
            Assert.That(score.Analyst.FallbackReason, Does.Contain("AZURE_OPENAI_ENDPOINT"));
        }
    }

    [Test]
    public async Task Score_SameLeadTwice_GivesSameScore()
    {
        using var first = await PostAsync(ValidLead, TestHost.AdminKey);
        using var second = await PostAsync(ValidLead, TestHost.AdminKey);

        var a = await first.Content.ReadFromJsonAsync(ScoringJsonContext.Default.LeadScore);
        var b = await second.Content.ReadFromJsonAsync(ScoringJsonContext.Default.LeadScore);
        Assert.That(b!.ExactScore, Is.EqualTo(a!.ExactScore));
    }

    [Test]
    public async Task Score_MalformedJson_Returns400NamingTheDocument()
    {
        using var response = await PostAsync("{\"industry\": \"COMPUTER_SOFTWARE\",", TestHost.AdminKey);

        var errors = await ExpectValidationProblemAsync(response);
        Assert.That(errors.Keys, Is.EquivalentTo(new[] { "industry" }).Or.EquivalentTo(new[] { "$" }));
    }

    [Test]
    public async Task Score_NumberSentAsText_Returns400NamingTheField()
    {
        using var response = await PostAsync("""{"emailOpens":"six"}""", TestHost.AdminKey);

        var errors = await ExpectValidationProblemAsync(response);
        Assert.That(errors, Contains.Key("emailOpens"));
        Assert.That(errors["emailOpens"][0], Does.Contain("wrong type"));
    }

    [Test]
    public async Task Score_UnknownField_Returns400NamingTheField()
    {
        using var response = await PostAsync("""{"emailOpen":3}""", TestHost.AdminKey);

        var errors = await ExpectValidationProblemAsync(response);
        Assert.That(errors, Contains.Key("emailOpen"));
    }

    [Test]
    public async Task Score_OutOfRangeValues_Returns400NamingEveryField()
    {
        using var response = await PostAsync("""{"emailOpens":-1,"meetingsBooked":1,"meetingsAttended":3,"industryWinRate":1.5,"country":"Germany"}""", TestHost.AdminKey);

        var errors = await ExpectValidationProblemAsync(response);
        Assert.That(errors.Keys, Is.SupersetOf(new[] { "emailOpens", "meetingsAttended", "industryWinRate", "country" }));
    }

    [Test]
    public async Task Score_NullBody_Returns400()
    {
        using var response = await PostAsync("null", TestHost.AdminKey);

        var errors = await ExpectValidationProblemAsync(response);
        Assert.That(errors, Contains.Key("$"));
    }

    [Test]
    public async Task Score_NotJsonContentType_Returns415()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/score") { Content = new StringContent(ValidLead, Encoding.UTF8, "text/plain") };
        request.Headers.Add("x-functions-key", TestHost.AdminKey);

        using var response = await Host.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.UnsupportedMediaType));
    }

    [Test]
    public async Task Score_BodyOverLimitWithLength_Returns413()
    {
        var padding = new string(' ', (int)LeadScoring.Functions.Functions.ScoreLeadFunction.MaxBodyBytes);

        using var response = await PostAsync("{" + padding + "}", TestHost.AdminKey);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task Score_ChunkedBodyOverLimit_Returns413()
    {
        var padding = new string(' ', (int)LeadScoring.Functions.Functions.ScoreLeadFunction.MaxBodyBytes);
        var content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{" + padding + "}")));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/score") { Content = content };
        request.Headers.TransferEncodingChunked = true;
        request.Headers.Add("x-functions-key", TestHost.AdminKey);

        using var response = await Host.Client.SendAsync(request);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.RequestEntityTooLarge));
    }

    [Test]
    public async Task Score_NoKey_Returns401ProblemSayingWhichHeader()
    {
        using var response = await PostAsync(ValidLead, key: null);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain("x-functions-key"));
    }

    [Test]
    public async Task Score_WrongKey_Returns401()
    {
        using var response = await PostAsync(ValidLead, "not-a-configured-key-123");

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Unauthorized));
    }

    [TestCase(TestHost.RepKey, "Rep")]
    [TestCase(TestHost.MarketingKey, "Marketing")]
    public async Task Score_RoleWithoutScoreAccess_Returns403NamingTheRole(string key, string role)
    {
        using var response = await PostAsync(ValidLead, key);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
        Assert.That(await response.Content.ReadAsStringAsync(), Does.Contain(role));
    }

    [Test]
    public async Task Health_AdminAndHubSpotUnreachable_ReportsDegradedWithTheReason()
    {
        using var response = await Host.SendAsync(HttpMethod.Get, "/api/health", TestHost.AdminKey);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK));
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.That(json.RootElement.GetProperty("status").GetString(), Is.EqualTo("degraded"), "this host's HUBSPOT_BASE_URL points nowhere");
        Assert.That(json.RootElement.GetProperty("checks").GetProperty("pipeline").GetProperty("description").GetString(), Does.Contain("ai_* properties not yet ensured"));
        Assert.That(json.RootElement.GetProperty("checks").GetProperty("scoring").GetProperty("status").GetString(), Is.EqualTo("healthy"));
        Assert.That(json.RootElement.GetProperty("checks").GetProperty("scoring").GetProperty("modelVersion").GetString(), Is.EqualTo("rules-1/default@1"));
    }

    [Test]
    public async Task UnknownRoute_WithoutKey_Returns401NotLeakingRoutes()
    {
        using var response = await Host.Client.GetAsync("/api/does-not-exist");

        Assert.That(response.StatusCode, Is.AnyOf(HttpStatusCode.Unauthorized, HttpStatusCode.NotFound));
    }

    private Task<HttpResponseMessage> PostAsync(string json, string? key) => Host.SendAsync(HttpMethod.Post, "/api/score", key, Json(json));

    private static Task<Dictionary<string, string[]>> ExpectValidationProblemAsync(HttpResponseMessage response) => ValidationProblems.ExpectAsync(response);
}
