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

    private ProductUnderTest _product = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;
    private string _screenshots = null!;
    private List<string> _contactIds = null!;

    public static string ChromiumPath => Environment.GetEnvironmentVariable("LEADSCORING_CHROMIUM") ?? "/usr/bin/chromium";

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Fail($"{ChromiumPath} is missing: scripts/test.sh installs Debian's chromium (apt-get install chromium).");
        }

        _product = await ProductUnderTest.StartAsync(contacts: 30);
        _contactIds = await _product.ContactIdsAsync();
        using (var admin = new HttpRequestMessage(HttpMethod.Post, "/api/admin/rescore"))
        {
            admin.Headers.Add("x-functions-key", TestHost.AdminKey);
            (await _product.Host.Client.SendAsync(admin)).EnsureSuccessStatusCode();
        }

        await _product.WaitUntilScoredAsync(_contactIds, TimeSpan.FromSeconds(90));
        (await _product.Emulator.Admin.PostAsJsonAsync($"/_emulator/contacts/{_contactIds[0]}/activity", new { type = "meeting" })).EnsureSuccessStatusCode();

        _screenshots = Path.Combine(Infrastructure.Azurite.RepositoryRoot(), "TestResults", "screenshots");
        Directory.CreateDirectory(_screenshots);
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        if (_product is not null)
        {
            await _product.DisposeAsync();
        }
    }

    [TestCase("Admin")]
    [TestCase("Manager")]
    [TestCase("Rep")]
    [TestCase("Marketing")]
    public async Task SignedInRole_SeesExactlyItsPages_WithRealDataAndNoSeriousAxeViolation(string role)
    {
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _product.Host.Address.ToString(), ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        await SignInAsync(page, role);
        var problems = new List<string>();

        foreach (var name in AllPages)
        {
            var response = await page.GotoAsync($"/{name}");
            if (!PagesOf[role].Contains(name))
            {
                Assert.That(response!.Status, Is.EqualTo(403), $"{role} must not open /{name}");
                continue;
            }

            Assert.That(response!.Status, Is.EqualTo(200), $"{role} opens /{name}");
            await page.WaitForSelectorAsync("body[data-ready]", new() { State = WaitForSelectorState.Attached, Timeout = 30_000 });
            Assert.That(await page.GetAttributeAsync("body", "data-ready"), Is.EqualTo("true"), $"{role} /{name}: {await page.InnerTextAsync("#content")}");
            var menu = await page.Locator("nav a").AllInnerTextsAsync();
            Assert.That(menu, Has.Count.EqualTo(PagesOf[role].Length), $"{role}'s menu");

            await CheckContentAsync(page, role, name);
            var axe = await page.RunAxe();
            problems.AddRange(axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"/{name}: {v.Id} ({v.Impact}) {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}"));
            await page.ScreenshotAsync(new() { Path = Path.Combine(_screenshots, $"{role.ToLowerInvariant()}-{name}.png"), FullPage = true });
        }

        Assert.That(problems, Is.Empty, "serious or critical accessibility violations");
    }

    [Test]
    public async Task SignIn_WithAWrongKey_SaysSoAndStaysOnTheSignInPage()
    {
        await using var context = await _browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = _product.Host.Address.ToString() });
        var page = await context.NewPageAsync();

        await page.GotoAsync("/leads");
        await page.FillAsync("#key", "not-a-key-of-this-installation");
        await page.ClickAsync("button[type=submit]");

        await Assertions.Expect(page.Locator("#error")).ToContainTextAsync("not valid");
        Assert.That(page.Url, Does.Contain("/sign-in"));
    }

    private static async Task SignInAsync(IPage page, string role)
    {
        await page.GotoAsync("/");
        Assert.That(page.Url, Does.Contain("/sign-in"), "an anonymous visitor is sent to sign in");
        await page.FillAsync("#key", DashboardCallers.KeyOf(role));
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync($"**/{PagesOf[role][0]}");
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
                Assert.That(text, Does.Contain(_contactIds[0]).And.Contain("Next action").And.Not.Contain("Score").And.Not.Contain("Close %"));
                break;
            case "leads":
                Assert.That(text, Does.Contain("Score").And.Contain("Close %").And.Contain($"{_contactIds.Count} scored lead(s)"));
                await page.Locator("button", new() { HasText = "Details" }).First.ClickAsync();
                await Assertions.Expect(page.Locator("#lead-detail")).ToContainTextAsync("Top reasons");
                break;
            case "trends":
                Assert.That(text, Does.Contain("Drift vs last week (PSI)").And.Contain("By lead source"));
                Assert.That(text, Does.Not.Contain(_contactIds[0]));
                break;
            case "model":
                Assert.That(text, Does.Contain("No model trained yet"));
                break;
            case "operations":
                Assert.That(text, Does.Contain("HubSpot endpoints").And.Contain("POST /crm/v3/objects/contacts/batch/update"));
                break;
            case "success":
                Assert.That(text, Does.Contain("Lead-to-close").And.Contain("deal(s) won"));
                break;
            case "training":
                Assert.That(text, Does.Contain("training record").IgnoreCase);
                break;
        }
    }
}
