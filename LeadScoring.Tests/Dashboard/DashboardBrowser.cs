using Microsoft.Playwright;

namespace LeadScoring.Tests.Dashboard;

/// <summary>Debian's chromium under Playwright, launched the way this machine allows (ENVIRONMENT.md), and where screenshots go.</summary>
internal static class DashboardBrowser
{
    public static string ChromiumPath => Environment.GetEnvironmentVariable("LEADSCORING_CHROMIUM") ?? "/usr/bin/chromium";

    /// <summary>TestResults/screenshots at the repository root (created).</summary>
    public static string ScreenshotsDirectory()
    {
        var path = Path.Combine(Repository.Root(), "TestResults", "screenshots");
        Directory.CreateDirectory(path);
        return path;
    }

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            Assert.Fail($"{ChromiumPath} is missing: scripts/test.sh installs Debian's chromium (apt-get install chromium).");
        }

        // Generous: the machine's 2 cores are shared with builds, and a starved page is slow, not broken.
        Assertions.SetDefaultExpectTimeout(20_000);
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
        });
        return (playwright, browser);
    }

    public static async Task CloseAsync(IPlaywright? playwright, IBrowser? browser)
    {
        if (browser is not null)
        {
            await browser.DisposeAsync();
        }

        playwright?.Dispose();
    }
}
