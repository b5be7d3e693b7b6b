using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deque.AxeCore.Playwright;
using LeadScoring.Tests.EndToEnd;
using LeadScoring.Tests.Host;
using Microsoft.Playwright;

namespace LeadScoring.Tests.Dashboard;

/// <summary>
/// The Leads page on a real-sized portal (2,500 emulator contacts, scored end to end): the Manager's list is the true
/// top by score and pages on, filters and search narrow it, the detail opens beside the row; the Rep's call queue is in
/// priority-then-score order with a why per row, no number in the page or its API answers, and no customers. The truth
/// is the emulator's own record of what was written (its portal export), not our API. Screenshots:
/// TestResults/screenshots/{role}-leads-*.png.
/// </summary>
[TestFixture]
[NonParallelizable]
[Category("Browser")]
internal sealed class LeadListBrowserTests
{
    private const int Contacts = 2_500;
    private const string RepOwner = "81000001";
    private const long Portal = 1000001;

    private static readonly ViewportSize Wide = new() { Width = 1440, Height = 900 };

    private DashboardBrowser _dashboard = null!;
    private List<Truth> _truth = null!;

    private sealed record Truth(string Id, int Score, string Priority, string? Stage, string? Owner);

    [OneTimeSetUp]
    public async Task StartAsync()
    {
        _dashboard = await DashboardBrowser.StartAsync(contacts: Contacts, scoredWithin: TimeSpan.FromMinutes(15), rateLimit: 5000, extraSettings: new Dictionary<string, string?>
        {
            ["HUBSPOT_PORTAL_ID"] = Portal.ToString(CultureInfo.InvariantCulture),
            ["LEAD_SCORE_KEY_OWNERS"] = $"{TestHost.RepKey}={RepOwner}",
        });
        _truth = await TruthAsync();
        Assert.That(_truth, Has.Count.EqualTo(Contacts));
    }

    [OneTimeTearDown]
    public async Task StopAsync()
    {
        if (_dashboard is not null)
        {
            await _dashboard.DisposeAsync();
        }
    }

    [Test]
    public async Task ManagerList_FirstPageIsTheTrueTop50ByScore_AndPagesOn()
    {
        var page = await OpenLeadsAsync("Manager");
        var ranked = _truth.OrderByDescending(t => t.Score).ThenBy(t => long.Parse(t.Id, CultureInfo.InvariantCulture)).ToList();

        var first = await RowsAsync(page, "#lead-list");
        await _dashboard.ScreenshotAsync(page, "manager-leads-list");
        var axe = await page.RunAxe();
        await page.ClickAsync("#page-next");
        await Assertions.Expect(page.Locator("#page-label")).ToHaveTextAsync("Page 2");
        var second = await RowsAsync(page, "#lead-list");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(first.Select(r => (r[0], r[1])), Is.EqualTo(ranked.Take(50).Select(t => (t.Id, t.Score.ToString(CultureInfo.InvariantCulture)))));
            Assert.That(second.Select(r => r[0]), Is.EqualTo(ranked.Skip(50).Take(50).Select(t => t.Id)));
            Assert.That(DashboardBrowser.Serious(axe), Is.Empty);
        }
    }

    [Test]
    public async Task ManagerList_FiltersAndSearch_NarrowIt()
    {
        var page = await OpenLeadsAsync("Manager");

        await page.SelectOptionAsync("#priority", "Medium");
        await page.FillAsync("#stage", "opportunity");
        var expected = _truth.Where(t => t.Priority == "Medium" && t.Stage == "opportunity")
            .OrderByDescending(t => t.Score).ThenBy(t => long.Parse(t.Id, CultureInfo.InvariantCulture)).Take(50).Select(t => t.Id).ToList();
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#lead-filters button[type=submit]"), r => r.Url.Contains("stage=opportunity", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#lead-list tbody tr")).ToHaveCountAsync(expected.Count);
        var filtered = await RowsAsync(page, "#lead-list");
        await _dashboard.ScreenshotAsync(page, "manager-leads-filtered");

        var wanted = _truth[^7].Id;
        await page.FillAsync("#stage", "");
        await page.SelectOptionAsync("#priority", "");
        await page.FillAsync("#contactId", wanted);
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#lead-filters button[type=submit]"), r => r.Url.Contains("contactId=" + wanted, StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#lead-list tbody tr")).ToHaveCountAsync(1);
        var found = await RowsAsync(page, "#lead-list");

        using (Assert.EnterMultipleScope())
        {
            Assert.That(expected, Is.Not.Empty);
            Assert.That(filtered.Select(r => r[0]), Is.EqualTo(expected));
            Assert.That(found.Select(r => r[0]), Is.EqualTo(new[] { wanted }));
        }
    }

    [Test]
    public async Task ManagerList_Details_OpenInAPanelBesideTheRow()
    {
        var page = await OpenLeadsAsync("Manager");
        var button = page.Locator("#lead-list tbody tr").Nth(40).Locator("button");

        await button.ClickAsync();
        await Assertions.Expect(page.Locator("#lead-detail")).ToContainTextAsync("Top reasons");
        await page.Locator("#lead-list tbody tr").Nth(40).ScrollIntoViewIfNeededAsync(); // the panel narrowed the list: rows may have grown
        var row = await page.Locator("#lead-list tbody tr").Nth(40).BoundingBoxAsync();
        var table = await page.Locator(".leads-main").BoundingBoxAsync();
        var panel = await page.Locator("#lead-detail").BoundingBoxAsync();
        var scrolled = await page.EvaluateAsync<double>("() => window.scrollY");
        var viewport = page.ViewportSize!.Height;
        await _dashboard.ScreenshotAsync(page, "manager-leads-detail", fullPage: false);
        var axe = await page.RunAxe();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(scrolled, Is.GreaterThan(0), "row 41 is below the fold: the page had to scroll to it");
            Assert.That(panel!.X, Is.GreaterThanOrEqualTo(table!.X + table.Width - 1), "the panel stands to the right of the list");
            // Bounding boxes are relative to the viewport: the panel is in view at the row's height, not at the top of the page.
            Assert.That(row!.Y, Is.InRange(0, viewport), "the clicked row is in view");
            Assert.That(panel.Y, Is.InRange(0, row.Y), "the panel starts in view, at or above the row");
            Assert.That(panel.Y + panel.Height, Is.GreaterThan(row.Y + row.Height), "and reaches past it");
            Assert.That(DashboardBrowser.Serious(axe), Is.Empty);
        }
    }

    [Test]
    public async Task RepQueue_PriorityThenScore_WithAWhyPerRow_NoNumberAndNoCustomers()
    {
        var (page, answers) = await OpenQueueAsync();
        var rows = await RowsAsync(page, "#call-queue");
        var text = await page.InnerTextAsync("#content");
        var links = await page.Locator("#call-queue tbody a").EvaluateAllAsync<string[]>("as => as.map(a => a.href)");
        await _dashboard.ScreenshotAsync(page, "rep-leads-queue");
        var axe = await page.RunAxe();
        var byId = _truth.ToDictionary(t => t.Id);
        var customers = _truth.Where(t => t.Stage is "customer" or "evangelist").Select(t => t.Id).ToHashSet();
        var expected = _truth.Where(t => !customers.Contains(t.Id))
            .OrderBy(t => t.Priority switch { "High" => 0, "Medium" => 1, _ => 2 }).ThenByDescending(t => t.Score).ThenBy(t => long.Parse(t.Id, CultureInfo.InvariantCulture))
            .Take(50).Select(t => t.Id).ToList();
        var ids = rows.Select(r => r[1].Replace("Contact ", "", StringComparison.Ordinal)).ToList();

        using (Assert.EnterMultipleScope())
        {
            Assert.That(customers, Is.Not.Empty, "the portal has customers to leave out");
            Assert.That(ids, Is.EqualTo(expected), "High first, then by score within a priority, customers left out");
            Assert.That(ids.Where(customers.Contains), Is.Empty);
            Assert.That(rows.Select(r => r[0]), Is.EqualTo(ids.Select(id => byId[id].Priority)));
            Assert.That(rows.Select(r => r[3]), Has.All.Not.Empty.And.All.Not.EqualTo("—"), "a why on every row");
            Assert.That(links, Is.EqualTo(ids.Select(id => $"https://app.hubspot.com/contacts/{Portal}/record/0-1/{id}")));
            Assert.That(text, Does.Not.Contain("Score").And.Not.Contain("score:").And.Not.Contain("/100").And.Not.Contain("points").And.Not.Contain("Close %"));
            Assert.That(answers, Is.Not.Empty);
            Assert.That(answers.SelectMany(Numbers), Is.Empty, "no number anywhere in the queue's API answers");
            Assert.That(DashboardBrowser.Serious(axe), Is.Empty);
        }
    }

    [Test]
    public async Task RepQueue_MyLeads_KeepsOnlyTheRepsOwnLeads()
    {
        var (page, answers) = await OpenQueueAsync();

        await page.CheckAsync("#mine");
        await page.RunAndWaitForResponseAsync(() => page.ClickAsync("#queue-filters button[type=submit]"), r => r.Url.Contains("mine=true", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("#call-queue tbody tr.mine")).ToHaveCountAsync(50);
        var ids = (await RowsAsync(page, "#call-queue")).Select(r => r[1].Replace("Contact ", "", StringComparison.Ordinal)).ToList();
        await _dashboard.ScreenshotAsync(page, "rep-leads-mine");
        var owners = _truth.ToDictionary(t => t.Id, t => t.Owner);

        Assert.That(ids.Select(id => owners[id]), Has.All.EqualTo(RepOwner));
        Assert.That(answers.SelectMany(Numbers), Is.Empty);
    }

    private async Task<IPage> OpenLeadsAsync(string role, Action<IPage>? watch = null)
    {
        var page = await (await _dashboard.NewContextAsync(Wide)).NewPageAsync();
        watch?.Invoke(page);
        await DashboardBrowser.SignInAsync(page, role, landing: "leads");
        await page.WaitForSelectorAsync("body[data-ready=true]", new() { State = WaitForSelectorState.Attached });
        return page;
    }

    private async Task<(IPage Page, List<JsonDocument> Answers)> OpenQueueAsync()
    {
        var answers = new List<JsonDocument>();
        var page = await OpenLeadsAsync("Rep", watch: opened => opened.Response += async (_, response) =>
        {
            if (response.Url.Contains("/api/dashboard/queue", StringComparison.Ordinal) && response.Ok)
            {
                var body = await response.TextAsync();
                lock (answers)
                {
                    answers.Add(JsonDocument.Parse(body));
                }
            }
        });
        return (page, answers);
    }

    private static async Task<List<string[]>> RowsAsync(IPage page, string list) =>
        [.. (await page.Locator($"{list} tbody tr").EvaluateAllAsync<string[][]>("trs => trs.map(tr => Array.from(tr.cells).map(td => td.innerText.trim()))"))];

    private static IEnumerable<string> Numbers(JsonDocument answer) => NumbersIn(answer.RootElement, "$");

    private static IEnumerable<string> NumbersIn(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.Number => [$"{path} = {element.GetRawText()}"],
        JsonValueKind.Object => element.EnumerateObject().SelectMany(p => NumbersIn(p.Value, path + "." + p.Name)),
        JsonValueKind.Array => element.EnumerateArray().SelectMany((e, i) => NumbersIn(e, $"{path}[{i}]")),
        _ => [],
    };

    /// <summary>What the emulator holds after the run: each contact's written ai_lead_score and ai_lead_fit, lifecycle stage and owner.</summary>
    private async Task<List<Truth>> TruthAsync()
    {
        var portal = await _dashboard.Product.Emulator.Admin.GetFromJsonAsync<JsonObject>("/_emulator/portal");
        return [.. portal!["objects"]!["contacts"]!.AsArray().Select(c =>
        {
            var p = c!["properties"]!;
            return new Truth((string)c["id"]!, int.Parse((string)p["ai_lead_score"]!, CultureInfo.InvariantCulture), (string)p["ai_lead_fit"]!,
                (string?)p["lifecyclestage"], (string?)p["hubspot_owner_id"]);
        })];
    }
}
