using System.Net.Http.Json;
using Deque.AxeCore.Playwright;
using LeadScoring.Tests.EndToEnd;
using LeadScoring.Tests.Host;
using Microsoft.Playwright;

namespace LeadScoring.Tests.Dashboard;

/// <summary>
/// The dashboard in Debian's chromium, driven by Playwright, over a real end-to-end run (emulator + Azurite + host, a
/// batch rescore written back): each role signs in with its key and sees exactly its pages; every page renders real
/// data, has no serious or critical axe violation, and is saved as TestResults/screenshots/{role}-{page}.png.
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("Browser")]
internal sealed class DashboardBrowserTests
{
    private static readonly Dictionary<string, string[]> PagesOf = new(StringComparer.Ordinal)
    {
        ["Admin"] = ["leads", "trends", "model", "operations", "success", "training"],
        ["Manager"] = ["leads", "trends", "model", "operations", "success", "training"],
        ["Rep"] = ["leads"],
        ["Marketing"] = ["trends", "success"],
    };

    private static readonly string[] AllPages = ["leads", "trends", "model", "operations", "success", "training"];

    private static readonly ViewportSize Desktop = new() { Width = 1280, Height = 900 };

    private DashboardBrowser _dashboard = null!;

    private ProductUnderTest Product => _dashboard.Product;

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _dashboard = await DashboardBrowser.StartAsync(contacts: 30, scoredWithin: TimeSpan.FromSeconds(90));
        (await Product.Emulator.Admin.PostAsJsonAsync($"/_emulator/contacts/{_dashboard.ContactIds[0]}/activity", new { type = "meeting" })).EnsureSuccessStatusCode();
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync();
        }
    }

    [TestCase("Admin")]
    [TestCase("Manager")]
    [TestCase("Rep")]
    [TestCase("Marketing")]
    public async Task SignedInRole_SeesExactlyItsPages_WithRealDataAndNoSeriousAxeViolation(string role)
    {
        await using var context = await _dashboard.NewContextAsync(Desktop);
        var page = await context.NewPageAsync();
        await SignInAsync(page, role);
        var problems = new List<string>();

        foreach (var name in AllPages)
        {
            var response = await page.GotoAsync($"/{name}");
            if (!PagesOf[role].Contains(name))
            {
                Assert.That(response!.Status, Is.EqualTo(403), $"{role} must not open /{name}");
                await Assertions.Expect(page.Locator("#forbidden-reason")).ToContainTextAsync($"The {role} role may not open /{name}");
                Assert.That(await page.Locator("#your-pages a").AllInnerTextsAsync(), Has.Count.EqualTo(PagesOf[role].Length), "the 403 page links the role's own pages");
                if (name == AllPages.First(p => !PagesOf[role].Contains(p)))
                {
                    problems.AddRange((await page.RunAxe()).Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"403 /{name}: {v.Id} ({v.Impact}) {v.Help}"));
                    await _dashboard.ScreenshotAsync(page, $"{role.ToLowerInvariant()}-403-{name}");
                }

                continue;
            }

            Assert.That(response!.Status, Is.EqualTo(200), $"{role} opens /{name}");
            try
            {
                await page.WaitForSelectorAsync("body[data-ready]", new() { State = WaitForSelectorState.Attached, Timeout = 60_000 });
            }
            catch (TimeoutException ex)
            {
                Assert.Fail($"{role} /{name} did not finish loading: {await page.InnerTextAsync("#content")} ({ex.Message.Split('\n')[0]})");
            }

            Assert.That(await page.GetAttributeAsync("body", "data-ready"), Is.EqualTo("true"), $"{role} /{name}: {await page.InnerTextAsync("#content")}");
            var menu = await page.Locator("nav a").AllInnerTextsAsync();
            Assert.That(menu, Has.Count.EqualTo(PagesOf[role].Length), $"{role}'s menu");

            await CheckContentAsync(page, role, name);
            problems.AddRange(DashboardBrowser.Serious(await page.RunAxe()).Select(v => $"/{name}: {v}"));
            await _dashboard.ScreenshotAsync(page, $"{role.ToLowerInvariant()}-{name}");
        }

        Assert.That(problems, Is.Empty, "serious or critical accessibility violations");
    }

    /// <summary>Lead-to-close and deal counts agree with the emulator's own deal history (read from its portal export, not its API).</summary>
    [Test]
    public async Task SuccessMetrics_AgreeWithTheEmulatorsDealHistory()
    {
        var portal = await Product.Emulator.Admin.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/_emulator/portal");
        var since = DateTimeOffset.UtcNow.AddDays(-90);
        var closedWon = portal!["objects"]!["deals"]!.AsArray().Count(d =>
            (string?)d!["properties"]!["hs_is_closed_won"] == "true" && ParseTime((string?)d["properties"]!["closedate"]) >= since);
        using var response = await Product.Host.SendAsync(HttpMethod.Get, "/api/dashboard/success", TestHost.MarketingKey);
        var success = await response.Content.ReadFromJsonAsync<System.Text.Json.Nodes.JsonObject>();

        Assert.That(response.StatusCode, Is.EqualTo(System.Net.HttpStatusCode.OK));
        Assert.That((int)success!["dealsClosedWon"]!, Is.EqualTo(closedWon).And.GreaterThan(0));
        Assert.That(success["byPriority"]!.AsArray().Sum(t => (int)t!["leads"]!), Is.EqualTo(_dashboard.ContactIds.Count), "every scored lead is in one tier");
        Assert.That((int)success["high"]!["deals"]! + (int)success["rest"]!["deals"]!, Is.LessThanOrEqualTo(closedWon));
    }

    private static DateTimeOffset? ParseTime(string? value) =>
        long.TryParse(value, out var ms) ? DateTimeOffset.FromUnixTimeMilliseconds(ms)
        : DateTimeOffset.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;

    /// <summary>The registry (GET /api/models) is built by the learning work; here it answers with its agreed contract.</summary>
    [Test]
    public async Task ModelPage_WithARegistry_ShowsVersionsMetricsWhyRefusedAndPlots()
    {
        await using var context = await _dashboard.NewContextAsync(Desktop);
        var page = await context.NewPageAsync();
        await page.RouteAsync("**/api/models", route => route.FulfillAsync(new() { Status = 200, ContentType = "application/json", Body = ModelRegistryJson }));
        await SignInAsync(page, "Manager");

        await page.GotoAsync("/model");
        await page.WaitForSelectorAsync("body[data-ready]", new() { State = WaitForSelectorState.Attached });
        var text = await page.InnerTextAsync("#content");
        var axe = await page.RunAxe();
        await _dashboard.ScreenshotAsync(page, "manager-model-registry");

        Assert.That(text, Does.Contain("Model in use: rules-1/default@1+v3").And.Contain("v4").And.Contain("refused").And.Contain("AUC fell from 0.74 to 0.69").And.Contain("0.741"));
        Assert.That(await page.Locator("canvas").CountAsync(), Is.EqualTo(2), "calibration and lift plots");
        Assert.That(text, Does.Contain("Calibration bins (equal count)").And.Contain("0.050 – 0.150"), "bin ranges and counts beside the plot");
        Assert.That(await page.Locator("canvas[aria-label*='equal-count bins']").CountAsync(), Is.EqualTo(1));
        Assert.That(await page.Locator("canvas[aria-label*='against the baseline of 1']").CountAsync(), Is.EqualTo(1));
        Assert.That(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => v.Id), Is.Empty);
    }

    private const string ModelRegistryJson = """
        {"current":"v3","pinnedVersion":null,"inUse":"rules-1/default@1+v3","models":[
          {"version":"v4","createdAt":"2026-11-23T02:00:00Z","status":"refused","trainingWindowStart":"2026-05-23T00:00:00Z","trainingWindowEnd":"2026-11-23T00:00:00Z",
           "rows":1800,"positives":210,"auc":0.69,"prAuc":0.31,"logLoss":0.33,"ece":0.05,"liftAt10":2.1,"weights":{"fit":0.3,"engagement":0.3,"outcome":0.2,"recency":0.2},
           "reason":"AUC fell from 0.74 to 0.69","calibration":[{"predicted":0.1,"observed":0.12,"count":900},{"predicted":0.5,"observed":0.41,"count":100}],"liftByDecile":[3.1,2.2,1.5,1.1,0.9,0.7,0.6,0.4,0.3,0.2]},
          {"version":"v3","createdAt":"2026-11-16T02:00:00Z","status":"promoted","trainingWindowStart":"2026-05-16T00:00:00Z","trainingWindowEnd":"2026-11-16T00:00:00Z",
           "rows":1750,"positives":205,"auc":0.741,"prAuc":0.35,"logLoss":0.31,"ece":0.03,"liftAt10":2.6,"weights":{"fit":0.32,"engagement":0.3,"outcome":0.18,"recency":0.2},
           "reason":"better than v2 on AUC and ECE","calibration":[{"predicted":0.1,"observed":0.1,"count":334,"low":0.05,"high":0.15},{"predicted":0.3,"observed":0.28,"count":333,"low":0.15,"high":0.42},{"predicted":0.6,"observed":0.57,"count":333,"low":0.42,"high":0.9}],
           "liftByDecile":[3.4,2.3,1.6,1.2,0.9,0.7,0.5,0.4,0.3,0.2]}]}
        """;

    [Test]
    public async Task SignIn_WithAWrongKey_SaysSoAndStaysOnTheSignInPage()
    {
        await using var context = await _dashboard.NewContextAsync(viewport: null);
        var page = await context.NewPageAsync();

        await page.GotoAsync("/leads");
        await page.FillAsync("#key", "not-a-key-of-this-installation");
        await page.ClickAsync("button[type=submit]");

        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("not valid");
        Assert.That(page.Url, Does.Contain("/sign-in"));
        Assert.That(await page.Locator("a", new() { HasText = "Microsoft" }).CountAsync(), Is.Zero, "no Entra ID button while Entra ID is off");
        await _dashboard.ScreenshotAsync(page, "sign-in");
    }

    private static async Task SignInAsync(IPage page, string role)
    {
        await DashboardBrowser.SignInAsync(page, role, landing: PagesOf[role][0]);
        var cookies = await page.Context.CookiesAsync();
        var session = cookies.Single(c => c.Name == "leadscoring.session");
        Assert.That((session.HttpOnly, session.Secure, session.SameSite), Is.EqualTo((true, true, SameSiteAttribute.Strict)));
    }

    private async Task CheckContentAsync(IPage page, string role, string name)
    {
        var text = await page.InnerTextAsync("#content");
        switch (name)
        {
            case "leads" when role == "Rep":
                Assert.That(text, Does.Contain("Call queue").And.Contain("Why").And.Contain("Next action").And.Not.Contain("Score").And.Not.Contain("Close %"));
                break;
            case "leads":
                Assert.That(text, Does.Contain("Score").And.Contain("Close %").And.Contain("Highest score first"));
                await page.Locator("button", new() { HasText = "Details" }).First.ClickAsync();
                await Assertions.Expect(page.Locator("#lead-detail")).ToContainTextAsync("Top reasons");
                if (role == "Admin")
                {
                    // The dialog asks for classification, score, attributes and a note; classifying twice keeps one record.
                    foreach (var (kind, score) in new[] { ("Less ideal", "35"), ("Ideal", "92") })
                    {
                        await page.Locator("#lead-detail button", new() { HasText = "Classify…" }).ClickAsync();
                        var dialog = page.Locator("#lead-detail dialog[open]");
                        await dialog.GetByLabel(kind, new() { Exact = true }).CheckAsync();
                        await dialog.GetByLabel("Your score (0–100)").FillAsync(score);
                        await dialog.GetByLabel("meetings").CheckAsync();
                        await dialog.GetByLabel("Note (emails and phone numbers are removed; write no names)").FillAsync("budget agreed");
                        if (kind == "Ideal")
                        {
                            Assert.That((await page.RunAxe()).Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id}: {v.Help}"), Is.Empty, "classify dialog");
                            await _dashboard.ScreenshotAsync(page, "admin-leads-classify-dialog", fullPage: false);
                        }

                        await dialog.GetByRole(AriaRole.Button, new() { Name = "Save training record" }).ClickAsync();
                        await Assertions.Expect(page.Locator("#lead-detail [role=status]")).ToContainTextAsync($"({score}), record c");
                    }
                }

                break;
            case "trends":
                Assert.That(text, Does.Contain("Drift, last 7 days vs the 7 before (PSI)").And.Contain("By lead source"));
                Assert.That(text, Does.Not.Contain(_dashboard.ContactIds[0]));
                Assert.That(text, Does.Match(@"\d{4}-W\d{2}"), "weeks labelled as ISO weeks");
                Assert.That(text, Does.Not.Match(@"\b[A-Z]+_[A-Z_]+\b"), "no raw HubSpot codes such as OTHER_CAMPAIGNS");
                Assert.That(await page.Locator("canvas[aria-label^='Leads per score band, per ISO week']").CountAsync(), Is.EqualTo(1));
                break;
            case "model":
                Assert.That(text, Does.Contain("No model trained yet"));
                break;
            case "operations":
                Assert.That(text, Does.Contain("HubSpot endpoints").And.Contain("POST /crm/v3/objects/contacts/batch/update"));
                break;
            case "success":
                Assert.That(text, Does.Contain("Lead-to-close").And.Contain("deal(s) won").And.Contain("95 % interval"));
                Assert.That(text, Does.Contain("under 30"), "a 30-contact portal has tiers too small to compare, and says so");
                Assert.That(text, Does.Not.Contain("0.0\t"), "no median of 0.0 days");
                break;
            case "training" when role == "Admin":
                Assert.That(text, Does.Contain("Ideal"), "the record classified on the leads page");
                page.Dialog += (_, dialog) => dialog.AcceptAsync();
                await page.Locator("button", new() { HasText = "Delete" }).First.ClickAsync();
                await Assertions.Expect(page.Locator("#content")).ToContainTextAsync("No training records");
                break;
            case "training":
                Assert.That(text, Does.Contain("training record").IgnoreCase);
                break;
        }
    }
}
