using System.Net;
using System.Text.Json;
using LeadScoring.Core.Leads;
using LeadScoring.Core.Scoring;
using LeadScoring.Core.Storage;
using LeadScoring.Tests.Host;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace LeadScoring.Tests.Dashboard;

/// <summary>
/// Every (role × route) pair: the app's own endpoint list is enumerated, so a new route without an entry here fails.
/// Each pair is called with the role's key and with a signed-in session; Rep and Marketing answers are searched for
/// numbers and individual leads.
/// </summary>
[TestFixture]
[NonParallelizable]
internal sealed class DashboardRoleTableTests : HostFixture
{
    private const string Anonymous = "anonymous";
    private const string ContactId = "9001";

    private static readonly string[] AnyRole = ["Admin", "Manager", "Rep", "Marketing"];
    private static readonly string[] Managers = ["Admin", "Manager"];
    private static readonly string[] Reps = ["Admin", "Manager", "Rep"];
    private static readonly string[] Aggregates = ["Admin", "Manager", "Marketing"];
    private static readonly string[] Everyone = [Anonymous, .. AnyRole];

    /// <summary>Who may call each route ("METHOD pattern"; * = any method).</summary>
    private static readonly Dictionary<string, string[]> Expected = new(StringComparer.Ordinal)
    {
        ["GET /api/health"] = Everyone,
        ["POST /api/hubspot/webhooks"] = Everyone,
        ["POST /api/score"] = Managers,
        ["POST /api/admin/rescore"] = ["Admin"],
        ["POST /api/admin/decay"] = ["Admin"],
        ["POST /api/training-records"] = Managers,
        ["POST /api/training-records/import"] = Managers,
        ["GET /api/training-records"] = Managers,
        ["DELETE /api/training-records/{id}"] = Managers,
        ["POST /api/training-records/{id}/undo"] = Managers,
        ["GET /"] = AnyRole,
        ["GET /sign-in"] = Everyone,
        ["GET /favicon.ico"] = Everyone,
        ["GET /assets/{*path}"] = Everyone,
        ["GET /signin-oidc"] = Everyone,
        ["POST /signin-oidc"] = Everyone,
        ["GET /api/admin/orchestrations"] = ["Admin"],
        ["GET /api/admin/orchestrations/{instanceId}"] = ["Admin"],
        ["GET /leads"] = Reps,
        ["GET /trends"] = Aggregates,
        ["GET /model"] = Managers,
        ["GET /operations"] = Managers,
        ["GET /success"] = Aggregates,
        ["GET /training"] = Managers,
        ["POST /api/auth/sign-in"] = Everyone,
        ["POST /api/auth/sign-out"] = Everyone,
        ["GET /api/auth/me"] = AnyRole,
        ["GET /api/auth/entra"] = Everyone,
        ["GET /api/dashboard/queue"] = Reps,
        ["GET /api/dashboard/leads"] = Managers,
        ["GET /api/dashboard/leads/{contactId}"] = Managers,
        ["GET /api/dashboard/trends"] = Aggregates,
        ["GET /api/dashboard/success"] = Aggregates,
        ["GET /api/ops"] = Managers,
        ["GET /api/models"] = Managers,
        ["POST /api/admin/retrain"] = ["Admin"],
        ["POST /api/admin/models/rollback"] = ["Admin"],
        ["POST /api/admin/models/{version}/promote"] = ["Admin"],
    };

    /// <summary>Routes other work is building (the model registry): expected with these roles, pending until they exist. Edit freely.</summary>
    private static readonly Dictionary<string, string[]> OwnedByOtherWork = new(StringComparer.Ordinal)
    {
    };

    private static readonly HashSet<string> NumbersRepMustNotSee = new(StringComparer.OrdinalIgnoreCase) { "score", "exactScore", "closeProbability", "averageScore", "components", "confidence" };

    /// <summary>Operational metrics: not for a rep, except on /api/health, which is public by design (probes, load balancers) and carries no lead data.</summary>
    private static readonly HashSet<string> MetricsRepMustNotSee = new(StringComparer.OrdinalIgnoreCase) { "calls", "errorRate", "leadsScored", "hubSpotOperations", "webhooks" };
    private static readonly HashSet<string> IndividualsMarketingMustNotSee = new(StringComparer.OrdinalIgnoreCase) { "contactId", "score", "closeProbability", "exactScore" };

    [OneTimeSetUp]
    public Task SeedAsync() => Seed(Host.Services);

    protected override TestHostBuilder Configure(TestHostBuilder host) => host.With("HubSpot:RetryBaseDelay", "00:00:00.050");

    [Test]
    public void EveryRoute_HasARoleTableEntry()
    {
        var routes = Routes(Host.Services);

        var missing = routes.Where(r => !Expected.ContainsKey(r) && !OwnedByOtherWork.ContainsKey(r)).ToList();
        var stale = Expected.Keys.Where(k => !routes.Contains(k)).ToList();
        var pending = OwnedByOtherWork.Keys.Where(k => !routes.Contains(k)).ToList();

        Assert.Multiple(() =>
        {
            Assert.That(missing, Is.Empty, "routes without an entry in the role table");
            Assert.That(stale, Is.Empty, "role table entries for routes that no longer exist");
        });
        if (pending.Count > 0)
        {
            Assert.Warn($"Pending (owned by other work): {string.Join(", ", pending)}");
        }
    }

    [TestCaseSource(nameof(Pairs))]
    public async Task Route_WithKey_AllowsExactlyItsRoles(string route, string caller)
    {
        using var response = await SendAsync(route, caller, cookie: null);

        Assert.That(IsDenied(response, out var why), Is.EqualTo(!Allowed(route).Contains(caller)), $"{caller} → {route}: {why}");
    }

    [TestCaseSource(nameof(Pairs))]
    public async Task Route_WithSession_AllowsExactlyItsRoles(string route, string caller)
    {
        var cookie = caller == Anonymous ? null : await DashboardCallers.SignInAsync(Host.Client, caller);

        using var response = await SendAsync(route, caller, cookie);

        Assert.That(IsDenied(response, out var why), Is.EqualTo(!Allowed(route).Contains(caller)), $"{caller} (session) → {route}: {why}");
    }

    [Test]
    public async Task SignInPage_EntraOff_HasNoMicrosoftButton_AndTheFaviconIsServed()
    {
        var html = await Host.Client.GetStringAsync("/sign-in");
        using var favicon = await Host.Client.GetAsync("/favicon.ico");

        Assert.That(html, Does.Not.Contain("Microsoft").And.Not.Contain("/api/auth/entra").And.Not.Contain("{{ENTRA}}"));
        Assert.That(html, Does.Contain("rel=\"icon\""));
        Assert.That((favicon.StatusCode, favicon.Content.Headers.ContentType?.MediaType), Is.EqualTo((HttpStatusCode.OK, "image/svg+xml")));
    }

    [Test]
    public async Task Forbidden_PageForASession_IsAnHtmlPageWithTheRolesOwnPages_ApiStaysProblemJson()
    {
        var cookie = await DashboardCallers.SignInAsync(Host.Client, "Rep");

        using var page = await SendAsync("GET /model", "Rep", cookie);
        using var api = await SendAsync("GET /api/models", "Rep", cookie);
        var html = await page.Content.ReadAsStringAsync();

        Assert.That((page.StatusCode, page.Content.Headers.ContentType?.MediaType), Is.EqualTo((HttpStatusCode.Forbidden, "text/html")));
        Assert.That(html, Does.Contain("The Rep role may not open /model").And.Contain("<a href=\"/leads\">Leads</a>").And.Not.Contain("href=\"/model\""));
        Assert.That((api.StatusCode, api.Content.Headers.ContentType?.MediaType), Is.EqualTo((HttpStatusCode.Forbidden, "application/problem+json")));
    }

    [TestCase("Rep")]
    [TestCase("Marketing")]
    public async Task EveryRouteARoleMayRead_NeverShowsItNumbersOrIndividualLeads(string role)
    {
        HashSet<string> Forbidden(string route) => role != "Rep" ? IndividualsMarketingMustNotSee
            : Expected[route].Contains(Anonymous) ? NumbersRepMustNotSee : [.. NumbersRepMustNotSee, .. MetricsRepMustNotSee];
        var readable = Expected.Where(e => e.Value.Contains(role) && (e.Key.StartsWith("GET /api", StringComparison.Ordinal) || e.Key.StartsWith("* /api", StringComparison.Ordinal))).Select(e => e.Key).ToList();
        var seen = new List<string>();

        foreach (var route in readable)
        {
            using var response = await SendAsync(route, role, cookie: null);
            var body = await response.Content.ReadAsStringAsync();
            if (response.IsSuccessStatusCode && response.Content.Headers.ContentType?.MediaType == "application/json")
            {
                seen.AddRange(PropertyNames(JsonDocument.Parse(body).RootElement).Where(Forbidden(route).Contains).Select(n => $"{route}: {n}"));
            }
        }

        Assert.That(readable, Is.Not.Empty);
        Assert.That(seen, Is.Empty);
    }

    [Test]
    public async Task CallQueue_ForARep_ListsTheSeededLeadWithItsWhyButNoScore()
    {
        using var response = await SendAsync("GET /api/dashboard/queue", "Rep", cookie: null);
        var body = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.OK), body);
        Assert.That(body, Does.Contain(ContactId).And.Contain("High").And.Contain("Follow-up").And.Contain("\"why\"").And.Not.Contain("87").And.Not.Contain("45"));
    }

    [Test]
    public async Task Leads_ForAManager_ListTheSeededLeadWithItsScore()
    {
        using var response = await SendAsync("GET /api/dashboard/leads", "Manager", cookie: null);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        var lead = json.RootElement.GetProperty("leads")[0];
        Assert.That(lead.GetProperty("contactId").GetString(), Is.EqualTo(ContactId));
        Assert.That(lead.GetProperty("score").GetInt32(), Is.EqualTo(87));
    }

    [TestCase("/api/dashboard/leads?priority=Urgent", "priority")]
    [TestCase("/api/dashboard/leads?pageSize=0", "pageSize")]
    [TestCase("/api/dashboard/leads?pageToken=abc", "pageToken")]
    [TestCase("/api/dashboard/leads?changedSince=yesterday", "changedSince")]
    [TestCase("/api/dashboard/leads?owner=alex", "owner")]
    [TestCase("/api/dashboard/queue?mine=true", "mine")]
    public async Task Lists_BadQuery_AnswerAValidationErrorNamingTheParameter(string path, string parameter)
    {
        using var response = await Host.SendAsync(HttpMethod.Get, path, DashboardCallers.KeyOf(path.Contains("queue", StringComparison.Ordinal) ? "Rep" : "Manager"));
        var body = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(HttpStatusCode.BadRequest), body);
        Assert.That(body, Does.Contain($"\"{parameter}\""));
    }

    [TestCase("abc", HttpStatusCode.BadRequest)]
    [TestCase("12345678901234567890123", HttpStatusCode.BadRequest)]
    [TestCase("777", HttpStatusCode.NotFound)]
    public async Task LeadDetail_BadOrUnknownId_SaysSo(string id, HttpStatusCode expected)
    {
        using var response = await SendAsync("GET /api/dashboard/leads/{contactId}".Replace("{contactId}", id, StringComparison.Ordinal), "Manager", cookie: null);
        var body = await response.Content.ReadAsStringAsync();

        Assert.That(response.StatusCode, Is.EqualTo(expected), body);
        Assert.That(body, Does.Contain(expected == HttpStatusCode.BadRequest ? "\"contactId\"" : $"Contact {id} has not been scored"));
    }

    [Test]
    public async Task LeadDetail_ForAManager_ExplainsTheScoreWithHistory()
    {
        using var response = await SendAsync("GET /api/dashboard/leads/{contactId}", "Manager", cookie: null);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.That(json.RootElement.GetProperty("latest").GetProperty("topReasons").GetArrayLength(), Is.GreaterThan(0));
        Assert.That(json.RootElement.GetProperty("history")[0].GetProperty("score").GetInt32(), Is.EqualTo(87));
    }

    public static IEnumerable<TestCaseData> Pairs() =>
        Expected.Keys.Concat(OwnedByOtherWork.Keys).SelectMany(route => Everyone.Select(caller => new TestCaseData(route, caller)));

    /// <summary>Every "METHOD pattern" served; the dashboard's one page route (an optional, constrained {page}) counts as "/" and each page.</summary>
    internal static HashSet<string> Routes(IServiceProvider services) =>
        services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["*"]).SelectMany(m =>
                e.RoutePattern.RawText == "/" + LeadScoring.Functions.Dashboard.DashboardPages.PageRoute
                    ? LeadScoring.Functions.Dashboard.DashboardPages.All.Select(p => $"{m} /{p.Path}").Prepend($"{m} /")
                    : [$"{m} {e.RoutePattern.RawText}"]))
            .ToHashSet(StringComparer.Ordinal);

    private static string[] Allowed(string route) => Expected.TryGetValue(route, out var roles) ? roles : OwnedByOtherWork[route];

    private async Task<HttpResponseMessage> SendAsync(string route, string caller, string? cookie)
    {
        if (OwnedByOtherWork.ContainsKey(route) && !Routes(Host.Services).Contains(route))
        {
            Assert.Ignore($"{route} is owned by other work and not built yet");
        }

        var (method, pattern) = (route[..route.IndexOf(' ', StringComparison.Ordinal)], route[(route.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        var path = pattern.Replace("{contactId}", ContactId, StringComparison.Ordinal).Replace("{id}", "abc123", StringComparison.Ordinal)
            .Replace("{*path}", "app.css", StringComparison.Ordinal).Replace("{instanceId}", "batch-rescore", StringComparison.Ordinal);
        using var request = new HttpRequestMessage(new HttpMethod(method == "*" ? "GET" : method), path);
        if (method is "POST")
        {
            request.Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");
        }

        if (cookie is not null)
        {
            request.Headers.Add("Cookie", cookie);
        }
        else if (caller != Anonymous)
        {
            request.Headers.Add("x-functions-key", DashboardCallers.KeyOf(caller));
        }

        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = Host.Address };
        return await noRedirects.SendAsync(request);
    }

    /// <summary>Denied by authorization (not by the route's own checks): 401/403 from the sign-in schemes, or a redirect to sign in.</summary>
    private static bool IsDenied(HttpResponseMessage response, out string why)
    {
        var body = response.Content.ReadAsStringAsync().GetAwaiter().GetResult();
        why = $"{(int)response.StatusCode} {response.Headers.Location} {body[..Math.Min(200, body.Length)]}";
        if (response.StatusCode == HttpStatusCode.Redirect)
        {
            return response.Headers.Location?.OriginalString.Contains("/sign-in?ReturnUrl", StringComparison.Ordinal) == true;
        }

        // A dashboard page answers its 403 as an HTML page (forbidden.html); API routes as problem+json.
        return response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden
            && (body.Contains("\"Authentication required\"", StringComparison.Ordinal) || body.Contains("\"Forbidden\"", StringComparison.Ordinal)
                || (response.StatusCode == HttpStatusCode.Forbidden && body.Contains("id=\"forbidden-reason\"", StringComparison.Ordinal)));
    }

    private static IEnumerable<string> PropertyNames(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => PropertyNames(p.Value).Prepend(p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany(PropertyNames),
        _ => [],
    };

    private static async Task Seed(IServiceProvider services)
    {
        var at = DateTimeOffset.UtcNow.AddMinutes(-5);
        await services.GetRequiredService<LastWrittenScoreStore>().SetManyAsync([new LastWrittenScore(ContactId, 87, "High", 45, "Follow-up", "rules-1", "digest", at)]);
        var features = new LeadFeatures { ContactId = ContactId, Industry = "COMPUTER_SOFTWARE", LeadSource = "ORGANIC_SEARCH", LifecycleStage = "salesqualifiedlead" };
        var score = new LeadScorer(ScoringProfile.Default, TimeProvider.System).Score(features) with { Score = 87, Priority = Priority.High, CloseProbability = 45, ModelVersion = "rules-1", ScoredAt = at };
        await services.GetRequiredService<LeadIndexStore>().SetManyAsync([new LeadIndexUpdate(ContactId, features, score, "Follow-up", "81000001")], at);
        await services.GetRequiredService<ScoreHistoryStore>().AppendAsync(new ScoreHistoryEntry(
            ContactId, at, 87, 87.2, "High", 45, "Follow-up", 0.8, 90, 85, 80, 90, "rules-1", "digest", "{\"industry\":\"COMPUTER_SOFTWARE\",\"leadSource\":\"ORGANIC_SEARCH\"}"));
    }
}
