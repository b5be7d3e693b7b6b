using System.ClientModel.Primitives;
using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using LeadScoring.Core.AI;
using LeadScoring.Core.Scoring;
using LeadScoring.Tests.Scoring;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace LeadScoring.Tests.AI;

/// <summary>
/// The analyst through the real Azure OpenAI client and Microsoft.Extensions.AI adapter, against a local stand-in:
/// the happy path, and the fallback for every failure kind (timeout, 429, 500, garbage, invalid fields, low confidence).
/// </summary>
[TestFixture]
public sealed class LeadAnalystTests
{
    private const string Key = "test-key-0123456789";
    private const string Deployment = "gpt-4o-mini";

    private static readonly SimilarRecord[] Neighbours =
    [
        new("train-17", "Ideal", 88, 0.93),
        new("train-42", "Less Ideal", 35, 0.81),
    ];

    private AzureOpenAIStandIn _standIn = null!;

    [OneTimeSetUp]
    public async Task StartStandIn() => _standIn = await AzureOpenAIStandIn.StartAsync();

    [OneTimeTearDown]
    public async Task StopStandIn() => await _standIn.DisposeAsync();

    [SetUp]
    public void ClearRequests() => _standIn.Requests.Clear();

    private static LeadScore Deterministic(LeadFeatures lead) => new LeadScorer(ScoringProfile.Default, new FakeTimeProvider(Leads.Now)).Score(lead, Neighbours);

    private static object Assessment(int score = 86, string fit = "High", string action = "Follow-up", double confidence = 0.82) => new
    {
        score,
        fit,
        nextBestAction = action,
        reasons = new[] { "Attended 3 meetings recently", "Software company of an ideal size" },
        confidence,
    };

    private LeadAnalyst Analyst(TimeSpan? timeout = null, double minConfidence = 0.7)
    {
        var options = new AnalystOptions
        {
            Endpoint = _standIn.Endpoint,
            ApiKey = Key,
            ChatDeployment = Deployment,
            Timeout = timeout ?? AnalystOptions.DefaultTimeout,
            MinConfidence = minConfidence,
        };
        var chat = AnalystServiceCollectionExtensions.CreateChatClient(options, o => o.RetryPolicy = new ClientRetryPolicy(0));
        return new LeadAnalyst(chat, options);
    }

    private static Task<AnalystVerdict> AnalyzeIdealAsync(LeadAnalyst analyst) => analyst.AnalyzeAsync(Leads.Ideal, Deterministic(Leads.Ideal), Neighbours);

    [Test]
    public async Task AnalyzeAsync_ValidConfidentReply_UsesTheAnalystsAnswer()
    {
        _standIn.AnswerWith(Assessment());

        var verdict = await AnalyzeIdealAsync(Analyst());

        using (Assert.EnterMultipleScope())
        {
            Assert.That(verdict.Used, Is.True);
            Assert.That(verdict.Fallback, Is.False);
            Assert.That(verdict.FallbackReason, Is.Null);
            Assert.That(verdict.Score, Is.EqualTo(86));
            Assert.That(verdict.Fit, Is.EqualTo("High"));
            Assert.That(verdict.NextBestAction, Is.EqualTo("Follow-up"));
            Assert.That(verdict.Reasons, Is.EqualTo(new[] { "Attended 3 meetings recently", "Software company of an ideal size" }));
            Assert.That(verdict.Confidence, Is.EqualTo(0.82));
            Assert.That(verdict.Model, Is.EqualTo("gpt-4o-mini-2024-07-18"));
        }
    }

    [Test]
    public async Task AnalyzeAsync_AnyCall_SendsKeyDeploymentPathApiVersionAndStrictJsonSchema()
    {
        _standIn.AnswerWith(Assessment());

        await AnalyzeIdealAsync(Analyst());

        var request = _standIn.Requests.Single();
        var format = request.Body["response_format"]!;
        var schema = format["json_schema"]!["schema"]!;
        using (Assert.EnterMultipleScope())
        {
            Assert.That(request.ApiKey, Is.EqualTo(Key));
            Assert.That(request.Path, Is.EqualTo($"/openai/deployments/{Deployment}/chat/completions"));
            Assert.That(request.Query, Does.Contain("api-version=2024-10-21"));
            Assert.That((string?)format["type"], Is.EqualTo("json_schema"));
            Assert.That((string?)format["json_schema"]!["name"], Is.EqualTo(LeadAnalyst.SchemaName));
            Assert.That((bool?)format["json_schema"]!["strict"], Is.True);
            Assert.That(schema["required"]!.AsArray().Select(n => (string?)n), Is.EquivalentTo(new[] { "score", "fit", "nextBestAction", "reasons", "confidence" }));
            Assert.That((bool?)schema["additionalProperties"], Is.False);
            Assert.That(schema["properties"]!["fit"]!["enum"]!.AsArray().Select(n => (string?)n), Is.EqualTo(new[] { "High", "Medium", "Low" }));
            Assert.That(schema["properties"]!["nextBestAction"]!["enum"]!.AsArray().Select(n => (string?)n), Is.EqualTo(new[] { "Follow-up", "Nurture", "Close" }));
            Assert.That(request.Body.AsObject().ContainsKey("strict"), Is.False, "strictness belongs in response_format, not the request body");
            Assert.That(request.Message("system"), Does.Contain("80-100").And.Contain("confidence"));
        }
    }

    [Test]
    public async Task AnalyzeAsync_UserMessage_CarriesFeaturesScoreAndNeighboursButNoIdsOrPii()
    {
        _standIn.AnswerWith(Assessment());
        // Whatever reaches the analyst, only features go out: the ids are dropped too.
        var lead = Leads.Ideal with { ContactId = "contact-8812", CompanyId = "company-7731" };

        await Analyst().AnalyzeAsync(lead, Deterministic(lead), Neighbours);

        var text = _standIn.Requests.Single().Message("user");
        var user = JsonNode.Parse(text)!;
        var deterministic = Deterministic(lead);
        using (Assert.EnterMultipleScope())
        {
            Assert.That(user.AsObject().Select(p => p.Key), Is.EqualTo(new[] { "lead", "deterministic", "neighbours" }));
            Assert.That((string?)user["lead"]!["industry"], Is.EqualTo("COMPUTER_SOFTWARE"));
            Assert.That((int?)user["lead"]!["meetingsAttended"], Is.EqualTo(3));
            Assert.That((int?)user["deterministic"]!["score"], Is.EqualTo(deterministic.Score));
            Assert.That((string?)user["deterministic"]!["priority"], Is.EqualTo(deterministic.Priority.ToString()));
            Assert.That(user["deterministic"]!["topReasons"]!.AsArray(), Has.Count.EqualTo(deterministic.TopReasons.Count));
            Assert.That((string?)user["neighbours"]![0]!["id"], Is.EqualTo("train-17"));
            Assert.That((string?)user["neighbours"]![1]!["classification"], Is.EqualTo("Less Ideal"));
            Assert.That((double?)user["neighbours"]![0]!["similarity"], Is.EqualTo(0.93));
            Assert.That(text, Does.Not.Contain("contact-8812").And.Not.Contain("company-7731"));
            Assert.That(text, Does.Not.Match(@"[\w.+-]+@[\w-]+\.[\w.]+"), "no email address");
            Assert.That(PropertyNames(user).Where(n => PersonalProperties.Contains(n, StringComparer.OrdinalIgnoreCase)), Is.Empty, "no personal field");
        }

        // The lead's part is exactly its features, field for field, as the scoring JSON writes them.
        var expected = JsonSerializer.SerializeToNode(lead with { ContactId = null, CompanyId = null }, ScoringJsonContext.Default.LeadFeatures);
        Assert.That(JsonNode.DeepEquals(user["lead"], expected), Is.True);
    }

    [Test]
    public async Task AnalyzeAsync_ConfidenceBelowMinimum_FallsBackSayingBoth()
    {
        _standIn.AnswerWith(Assessment(confidence: 0.55));

        var verdict = await AnalyzeIdealAsync(Analyst(minConfidence: 0.7));

        AssertFallback(verdict, "confidence 0.55 below 0.7");
    }

    [Test]
    public async Task AnalyzeAsync_ConfidenceExactlyAtMinimum_IsUsed()
    {
        _standIn.AnswerWith(Assessment(confidence: 0.7));

        var verdict = await AnalyzeIdealAsync(Analyst(minConfidence: 0.7));

        Assert.That(verdict.Used, Is.True);
    }

    [TestCase("Sure! The lead looks great.", "invalid JSON: not JSON")]
    [TestCase("", "invalid JSON: empty reply")]
    [TestCase("{\"score\": 86, \"fit\": \"High\"", "invalid JSON: not JSON")]
    [TestCase("[1, 2, 3]", "invalid JSON: expected an object, got an array")]
    public async Task AnalyzeAsync_GarbageContent_FallsBack(string content, string reason)
    {
        _standIn.AnswerWith(content);

        var verdict = await AnalyzeIdealAsync(Analyst());

        AssertFallback(verdict, reason);
    }

    [Test]
    public async Task AnalyzeAsync_ReplyMissingAField_FallsBackNamingIt()
    {
        _standIn.AnswerWith(new { score = 86, fit = "High", nextBestAction = "Follow-up", reasons = new[] { "Engaged" } });

        var verdict = await AnalyzeIdealAsync(Analyst());

        AssertFallback(verdict, "invalid JSON: missing 'confidence'");
    }

    [Test]
    public async Task AnalyzeAsync_ScoreOutOfRange_FallsBack()
    {
        _standIn.AnswerWith(Assessment(score: 150));

        var verdict = await AnalyzeIdealAsync(Analyst());

        AssertFallback(verdict, "invalid JSON: 'score' 150 is outside 0–100");
    }

    [TestCase(429, "Azure OpenAI answered HTTP 429 (rate limited)")]
    [TestCase(500, "Azure OpenAI answered HTTP 500")]
    [TestCase(401, "Azure OpenAI answered HTTP 401")]
    [TestCase(404, "Azure OpenAI answered HTTP 404 (check AZURE_OPENAI_CHAT_DEPLOYMENT)")]
    public async Task AnalyzeAsync_HttpError_FallsBackWithTheStatusAndNoSecret(int status, string reason)
    {
        _standIn.FailWith(status);

        var verdict = await AnalyzeIdealAsync(Analyst());

        AssertFallback(verdict, reason);
        Assert.That(verdict.FallbackReason, Does.Not.Contain(Key));
        Assert.That(_standIn.Requests, Has.Count.EqualTo(1), "retry policy 0: one request");
    }

    [Test]
    public async Task AnalyzeAsync_ServiceSlowerThanTimeout_FallsBackTimedOutPromptly()
    {
        _standIn.AnswerAfter(TimeSpan.FromSeconds(5), JsonSerializer.Serialize(Assessment()));
        var watch = Stopwatch.StartNew();

        var verdict = await AnalyzeIdealAsync(Analyst(timeout: TimeSpan.FromMilliseconds(300)));

        AssertFallback(verdict, "timed out after 300 ms");
        Assert.That(watch.Elapsed, Is.LessThan(TimeSpan.FromSeconds(3)));
    }

    [Test]
    public async Task AnalyzeAsync_ServiceUnreachable_FallsBackCallFailed()
    {
        // A port that was just free: nothing listens there.
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var options = new AnalystOptions { Endpoint = new Uri($"http://127.0.0.1:{port}/"), ApiKey = Key, ChatDeployment = Deployment };
        var analyst = new LeadAnalyst(AnalystServiceCollectionExtensions.CreateChatClient(options, o => o.RetryPolicy = new ClientRetryPolicy(0)), options);

        var verdict = await AnalyzeIdealAsync(analyst);

        AssertFallback(verdict, "call failed:");
    }

    [Test]
    public void AnalyzeAsync_CallerCancels_Propagates()
    {
        _standIn.AnswerAfter(TimeSpan.FromSeconds(5), JsonSerializer.Serialize(Assessment()));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        Assert.That(
            async () => await Analyst().AnalyzeAsync(Leads.Ideal, Deterministic(Leads.Ideal), Neighbours, cancel.Token),
            Throws.InstanceOf<OperationCanceledException>());
    }

    [Test]
    public async Task AnalyzeAsync_Disabled_FallsBackWithoutAnyRequest()
    {
        var verdict = await new DisabledLeadAnalyst().AnalyzeAsync(Leads.Ideal, Deterministic(Leads.Ideal), Neighbours);

        AssertFallback(verdict, "analyst off: AZURE_OPENAI_ENDPOINT not set");
        Assert.That(verdict.Model, Is.EqualTo("none"));
        Assert.That(_standIn.Requests, Is.Empty);
    }

    [Test]
    public async Task AddLeadAnalyst_EndpointSet_AnalyzesThroughTheConfiguredDeployment()
    {
        _standIn.AnswerWith(Assessment(score: 45, fit: "Low", action: "Nurture", confidence: 0.9));
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AZURE_OPENAI_ENDPOINT"] = _standIn.Endpoint.ToString(),
            ["AZURE_OPENAI_API_KEY"] = Key,
            ["AZURE_OPENAI_CHAT_DEPLOYMENT"] = "leads-gpt",
            ["LEAD_SCORE_MIN_CONFIDENCE"] = "0.85",
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddLeadAnalyst(o => o.RetryPolicy = new ClientRetryPolicy(0));
        await using var provider = services.BuildServiceProvider();

        var verdict = await provider.GetRequiredService<ILeadAnalyst>().AnalyzeAsync(Leads.Poor, Deterministic(Leads.Poor), []);

        using (Assert.EnterMultipleScope())
        {
            Assert.That(verdict.Used, Is.True, verdict.FallbackReason);
            Assert.That(verdict.Score, Is.EqualTo(45));
            Assert.That(_standIn.Requests.Single().Path, Is.EqualTo("/openai/deployments/leads-gpt/chat/completions"));
            Assert.That(_standIn.Requests.Single().ApiKey, Is.EqualTo(Key));
        }
    }

    [Test]
    public async Task Verdict_Serialized_IsCamelCaseJsonThatRoundTrips()
    {
        _standIn.AnswerWith(Assessment());
        var verdict = await AnalyzeIdealAsync(Analyst());

        var json = JsonSerializer.Serialize(verdict, AnalystJsonContext.Default.AnalystVerdict);
        var back = JsonSerializer.Deserialize(json, AnalystJsonContext.Default.AnalystVerdict)!;

        using (Assert.EnterMultipleScope())
        {
            Assert.That(json, Does.Contain("\"fallback\":false").And.Contain("\"nextBestAction\":\"Follow-up\"").And.Not.Contain("\"used\""));
            Assert.That(back.Score, Is.EqualTo(verdict.Score));
            Assert.That(back.Reasons, Is.EqualTo(verdict.Reasons));
            Assert.That(JsonSerializer.Serialize(AnalystVerdict.Declined("timed out after 10 s", "gpt-4o-mini"), AnalystJsonContext.Default.AnalystVerdict),
                Is.EqualTo("""{"fallback":true,"fallbackReason":"timed out after 10 s","score":null,"fit":null,"nextBestAction":null,"reasons":[],"confidence":null,"model":"gpt-4o-mini"}"""));
        }
    }

    private static readonly string[] PersonalProperties = ["firstname", "lastname", "name", "email", "phone", "mobilephone", "address", "city", "notes", "subject", "body"];

    private static IEnumerable<string> PropertyNames(JsonNode? node) => node switch
    {
        JsonObject o => o.SelectMany(p => PropertyNames(p.Value).Prepend(p.Key)),
        JsonArray a => a.SelectMany(PropertyNames),
        _ => [],
    };

    private static void AssertFallback(AnalystVerdict verdict, string reasonStart)
    {
        using (Assert.EnterMultipleScope())
        {
            Assert.That(verdict.Fallback, Is.True);
            Assert.That(verdict.Used, Is.False);
            Assert.That(verdict.FallbackReason, Does.StartWith(reasonStart));
            Assert.That(verdict.Score, Is.Null);
            Assert.That(verdict.Fit, Is.Null);
            Assert.That(verdict.NextBestAction, Is.Null);
            Assert.That(verdict.Reasons, Is.Empty);
            Assert.That(verdict.Confidence, Is.Null);
        }
    }
}
