using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Training;
using LeadScoring.Tests.EndToEnd;
using LeadScoring.Tests.Host;

namespace LeadScoring.Tests.Training;

/// <summary>
/// Training records through the host with only the embedded defaults (hashing embedder, exact-cosine index in
/// Azurite): import 200, then look-alikes of Ideal records score higher than look-alikes of Less Ideal ones, and say why.
/// </summary>
[TestFixture]
public sealed class TrainingRecordsEndToEndTests
{
    private ProductUnderTest _product = null!;

    [OneTimeSetUp]
    public async Task StartAndImport()
    {
        _product = await ProductUnderTest.StartAsync(contacts: 10);
        using var response = await SendAsync(HttpMethod.Post, "/api/training-records/import", new StringContent(Csv(200), Encoding.UTF8, "text/csv"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        Assert.That((int)(await response.Content.ReadFromJsonAsync<JsonObject>())!["imported"]!, Is.EqualTo(200));
    }

    [OneTimeTearDown]
    public async Task Stop() => await _product.DisposeAsync();

    [Test]
    public async Task Score_NearCopyOfIdealVersusLessIdeal_IdealLookAlikeScoresHigherAndCitesIdealNeighbours()
    {
        var ideal = await ScoreAsync(NearCopy(IdealLead(seed: 1000)));
        var poor = await ScoreAsync(NearCopy(LessIdealLead(seed: 1000)));

        Assert.That(ideal.Similarity, Is.Not.Null);
        Assert.That(ideal.Similarity!.Neighbours.Select(n => n.Classification), Is.All.EqualTo("Ideal"));
        Assert.That(poor.Similarity!.Neighbours.Select(n => n.Classification), Is.All.EqualTo("LessIdeal"));
        Assert.That(ideal.Score, Is.GreaterThan(poor.Score));
        Assert.That(ideal.TopReasons.Select(r => r.Text), Has.Some.StartsWith("Looks like 5 Ideal training records"));
        Assert.That(ideal.Similarity.Neighbours[0].Similarity, Is.GreaterThan(0.8));
    }

    [Test]
    public async Task Create_FromHubSpotContact_FetchesFeaturesAndScrubsNotes()
    {
        var contact = (await _product.ContactIdsAsync())[0];
        var body = new JsonObject { ["contactId"] = contact, ["classification"] = "Ideal", ["score"] = 88, ["attributes"] = new JsonArray("industry", "meetings"), ["notes"] = "CFO ada@example.com, call +1 202 555 0143" };

        using var response = await SendAsync(HttpMethod.Post, "/api/training-records", JsonContent.Create(body));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Created), await response.Content.ReadAsStringAsync());
        var record = await response.Content.ReadFromJsonAsync(TrainingJsonContext.Default.TrainingRecord);
        Assert.That(record!.Notes, Is.EqualTo("CFO [email], call [phone]"));
        Assert.That(record.Features.ContactId, Is.EqualTo(contact));
        Assert.That(record.CreatedBy, Is.EqualTo("Manager"));
    }

    [TestCase("""{"classification":"Great","score":50,"features":{}}""", "classification")]
    [TestCase("""{"classification":"Ideal","score":150,"features":{}}""", "score")]
    [TestCase("""{"classification":"Ideal","score":50}""", "contactId")]
    [TestCase("""{"classification":"Ideal","score":50,"features":{"emailOpens":-2}}""", "features.emailOpens")]
    [TestCase("""{"classification":"Ideal","score":50,"features":{},"colour":"red"}""", "colour")]
    [TestCase("""{"classification":"Ideal","score":"high","features":{}}""", "score")]
    [TestCase("""{"classification":"Ideal","score":50,"contactId":"999999999"}""", "contactId")]
    public async Task Create_BadInput_400NamingTheFieldAndNothingStored(string json, string field)
    {
        var before = await CountAsync();

        using var response = await SendAsync(HttpMethod.Post, "/api/training-records", new StringContent(json, Encoding.UTF8, "application/json"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject();
        Assert.That(errors.Select(e => e.Key), Does.Contain(field));
        Assert.That(await CountAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task Import_OneBadRow_NothingImportedAndTheRowNamed()
    {
        var before = await CountAsync();
        var csv = Csv(5) + "Ideal,not-a-score,,,COMPUTER_SOFTWARE,100,US,1\n";

        using var response = await SendAsync(HttpMethod.Post, "/api/training-records/import", new StringContent(csv, Encoding.UTF8, "text/csv"));

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest));
        Assert.That((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!.AsObject().Select(e => e.Key), Does.Contain("row 7.score"));
        Assert.That(await CountAsync(), Is.EqualTo(before));
    }

    [Test]
    public async Task List_FilteredAndPaged_ReturnsOnlyThatClassification()
    {
        using var response = await SendAsync(HttpMethod.Get, "/api/training-records?classification=LessIdeal&pageSize=30", null);

        var page = await response.Content.ReadFromJsonAsync(TrainingJsonContext.Default.TrainingRecordPage);
        Assert.That(page!.Records, Has.Count.EqualTo(30));
        Assert.That(page.Records.Select(r => r.Classification), Is.All.EqualTo(TrainingClassification.LessIdeal));
        Assert.That(page.ContinuationToken, Is.Not.Null);
    }

    [Test]
    public async Task Delete_ExistingRecord_Gone_ThenNotFound()
    {
        var body = new JsonObject { ["classification"] = "LessIdeal", ["score"] = 10, ["features"] = new JsonObject { ["industry"] = "FARMING" } };
        using var created = await SendAsync(HttpMethod.Post, "/api/training-records", JsonContent.Create(body));
        var id = (await created.Content.ReadFromJsonAsync(TrainingJsonContext.Default.TrainingRecord))!.Id;

        using var first = await SendAsync(HttpMethod.Delete, $"/api/training-records/{id}", null);
        using var second = await SendAsync(HttpMethod.Delete, $"/api/training-records/{id}", null);

        Assert.That(first.StatusCode, Is.EqualTo(HttpStatusCode.NoContent));
        Assert.That(second.StatusCode, Is.EqualTo(HttpStatusCode.NotFound));
    }

    [Test]
    public async Task Create_SameContactTwice_OneRecord_AndUndoRestoresTheFirst()
    {
        var contact = (await _product.ContactIdsAsync())[1];
        JsonObject Body(string kind, int score) => new() { ["contactId"] = contact, ["classification"] = kind, ["score"] = score, ["attributes"] = new JsonArray("industry") };

        using var first = await SendAsync(HttpMethod.Post, "/api/training-records", JsonContent.Create(Body("Ideal", 90)));
        using var second = await SendAsync(HttpMethod.Post, "/api/training-records", JsonContent.Create(Body("LessIdeal", 25)));
        var ofContact = (await AllAsync()).Where(r => r.ContactId == contact).ToList();
        using var undo = await SendAsync(HttpMethod.Post, $"/api/training-records/c{contact}/undo", null);

        Assert.That((first.StatusCode, second.StatusCode), Is.EqualTo((HttpStatusCode.Created, HttpStatusCode.Created)), await second.Content.ReadAsStringAsync());
        Assert.That(ofContact.Select(r => (r.Id, r.Classification, r.Score)), Is.EqualTo(new[] { ($"c{contact}", TrainingClassification.LessIdeal, 25) }));
        Assert.That(undo.StatusCode, Is.EqualTo(HttpStatusCode.OK), await undo.Content.ReadAsStringAsync());
        var restored = (await AllAsync()).Where(r => r.ContactId == contact).ToList();
        Assert.That(restored.Select(r => (r.Classification, r.Score)), Is.EqualTo(new[] { (TrainingClassification.Ideal, 90) }));
    }

    [Test]
    public async Task AnyRoute_RepKey_IsForbidden()
    {
        using var response = await _product.Host.SendAsync(HttpMethod.Get, "/api/training-records", TestHost.RepKey);

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.Forbidden));
    }

    /// <summary>The fields the imported records carry, so the lead is a near copy of them.</summary>
    private static LeadFeatures NearCopy(LeadFeatures lead) =>
        new() { Industry = lead.Industry, EmployeeCount = lead.EmployeeCount, Country = lead.Country, EmailOpens = lead.EmailOpens };

    private static LeadFeatures IdealLead(int seed)
    {
        var random = new Random(seed);
        return new LeadFeatures
        {
            Industry = "COMPUTER_SOFTWARE", Country = "US", LeadSource = "REFERRALS", LifecycleStage = "opportunity",
            EmployeeCount = 300 + random.Next(200), AnnualRevenue = 40_000_000 + random.Next(10_000_000),
            EmailOpens = 10 + random.Next(5), EmailReplies = 3 + random.Next(3), MeetingsBooked = 3, MeetingsAttended = 3,
            DealsCount = 3, DealsWon = 2, DealsLost = 0, IndustryWinRate = 0.35,
        };
    }

    private static LeadFeatures LessIdealLead(int seed)
    {
        var random = new Random(seed);
        return new LeadFeatures
        {
            Industry = "FARMING", Country = "AQ", LeadSource = "PAID_SOCIAL", LifecycleStage = "subscriber",
            EmployeeCount = 2 + random.Next(5), AnnualRevenue = 50_000 + random.Next(50_000),
            EmailOpens = random.Next(2), EmailReplies = 0, MeetingsBooked = 0, MeetingsAttended = 0,
            DealsCount = 2, DealsWon = 0, DealsLost = 2, IndustryWinRate = 0.05,
        };
    }

    /// <summary>Half Ideal, half Less Ideal records with some noise.</summary>
    private static string Csv(int rows)
    {
        var csv = new StringBuilder("classification,score,attributes,notes,industry,employeeCount,country,emailOpens\n");
        for (var i = 0; i < rows; i++)
        {
            var lead = i % 2 == 0 ? IdealLead(i) : LessIdealLead(i);
            csv.Append(CultureInfo.InvariantCulture, $"{(i % 2 == 0 ? "Ideal" : "LessIdeal")},{(i % 2 == 0 ? 85 + (i % 15) : 10 + (i % 20))},{(i % 2 == 0 ? "industry;meetings" : "company_size")},\"note {i}\",");
            csv.Append(CultureInfo.InvariantCulture, $"{lead.Industry},{lead.EmployeeCount},{lead.Country},{lead.EmailOpens}\n");
        }

        return csv.ToString();
    }

    private async Task<LeadScore> ScoreAsync(LeadFeatures lead)
    {
        var json = JsonSerializer.Serialize(lead, ScoringJsonContext.Default.LeadFeatures);
        using var response = await SendAsync(HttpMethod.Post, "/api/score", new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync(ScoringJsonContext.Default.LeadScore))!;
    }

    private async Task<int> CountAsync() => (await AllAsync()).Count;

    private async Task<List<TrainingRecord>> AllAsync()
    {
        var all = new List<TrainingRecord>();
        string? token = null;
        do
        {
            using var response = await SendAsync(HttpMethod.Get, "/api/training-records?pageSize=500" + (token is null ? "" : "&continuationToken=" + Uri.EscapeDataString(token)), null);
            var page = await response.Content.ReadFromJsonAsync(TrainingJsonContext.Default.TrainingRecordPage);
            all.AddRange(page!.Records);
            token = page.ContinuationToken;
        }
        while (token is not null);
        return all;
    }

    private Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content) =>
        _product.Host.SendAsync(method, path, TestHost.ManagerKey, content);
}
