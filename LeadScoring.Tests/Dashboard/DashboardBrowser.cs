using Deque.AxeCore.Commons;
using LeadScoring.Tests.EndToEnd;
using LeadScoring.Tests.Host;
using Microsoft.Playwright;

namespace LeadScoring.Tests.Dashboard;

/// <summary>
/// What the browser tests look at and with: the whole product (<see cref="ProductUnderTest"/>) after one batch rescore
/// has written every contact's score back, and Debian's chromium under Playwright, launched the way this machine allows
/// (ENVIRONMENT.md). Screenshots go to TestResults/screenshots at the repository root. Dispose to stop both.
/// </summary>
internal sealed class DashboardBrowser : IAsyncDisposable
{
    private readonly IPlaywright _playwright;
    private ProductUnderTest? _product;
    private List<string>? _contactIds;

    private DashboardBrowser(IPlaywright playwright, IBrowser browser, string screenshots)
    {
        _playwright = playwright;
        Browser = browser;
        Screenshots = screenshots;
    }

    public static string ChromiumPath => Environment.GetEnvironmentVariable("LEADSCORING_CHROMIUM") ?? "/usr/bin/chromium";

    public IBrowser Browser { get; }

    public string Screenshots { get; }

    public ProductUnderTest Product => _product ?? throw new InvalidOperationException("the product has not started");

    /// <summary>Every seeded contact id, each with a score written back.</summary>
    public List<string> ContactIds => _contactIds ?? throw new InvalidOperationException("the product has not started");

    /// <summary>
    /// Launches chromium (failing at once when it is missing), then starts the product on a portal of
    /// <paramref name="contacts"/> and waits until a batch rescore has written every score back.
    /// </summary>
    public static async Task<DashboardBrowser> StartAsync(
        int contacts, TimeSpan scoredWithin, int rateLimit = 1000, IDictionary<string, string?>? extraSettings = null)
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Fail($"{ChromiumPath} is missing: scripts/test.sh installs Debian's chromium (apt-get install chromium).");
        }

        var screenshots = Path.Combine(Repository.Root(), "TestResults", "screenshots");
        Directory.CreateDirectory(screenshots);

        // Generous: the machine's 2 cores are shared with builds, and a starved page is slow, not broken.
        Assertions.SetDefaultExpectTimeout(20_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
        var dashboard = new DashboardBrowser(playwright, browser, screenshots);
        try
        {
            dashboard._product = await ProductUnderTest.StartAsync(contacts: contacts, rateLimit: rateLimit, extraSettings: extraSettings);
            dashboard._contactIds = await dashboard._product.ContactIdsAsync();
            using (var rescore = await dashboard._product.Host.SendAsync(HttpMethod.Post, "/api/admin/rescore", TestHost.AdminKey))
            {
                rescore.EnsureSuccessStatusCode();
            }

            await dashboard._product.WaitUntilScoredAsync(dashboard._contactIds, scoredWithin);
            return dashboard;
        }
        catch
        {
            await dashboard.DisposeAsync();
            throw;
        }
    }

    /// <summary>A browser context on the host (60 s default timeout); <paramref name="viewport"/> null is Playwright's default size.</summary>
    public async Task<IBrowserContext> NewContextAsync(ViewportSize? viewport)
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { BaseURL = Product.Host.Address.ToString(), ViewportSize = viewport });
        context.SetDefaultTimeout(60_000);
        return context;
    }

    /// <summary>Opens the site anonymously (it sends the visitor to sign in), signs in with the role's key and waits for <paramref name="landing"/>.</summary>
    public static async Task SignInAsync(IPage page, string role, string landing)
    {
        await page.GotoAsync("/");
        Assert.That(page.Url, Does.Contain("/sign-in"), "an anonymous visitor is sent to sign in");
        await page.FillAsync("#key", DashboardCallers.KeyOf(role));
        await page.ClickAsync("button[type=submit]");
        await page.WaitForURLAsync($"**/{landing}");
    }

    /// <summary>Saves TestResults/screenshots/<paramref name="name"/>.png.</summary>
    public Task ScreenshotAsync(IPage page, string name, bool fullPage = true) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = fullPage });

    /// <summary>axe's serious and critical violations, one line each.</summary>
    public static IEnumerable<string> Serious(AxeResult axe) =>
        axe.Violations.Where(v => v.Impact is "serious" or "critical").Select(v => $"{v.Id} ({v.Impact}) {v.Help} — {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}");

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        _playwright.Dispose();
        if (_product is not null)
        {
            await _product.DisposeAsync();
        }
    }
}
