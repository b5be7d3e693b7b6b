using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using LeadScoring.Core.HubSpot;
using LeadScoring.Core.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace LeadScoring.Tests.EndToEnd;

/// <summary>
/// HubSpot's daily allowance spent: a webhook's ScoreLeads waits (not failed, nothing on the poison queue), health
/// says degraded with the reset time, and after the portal's midnight the lead is scored. The host's clock is the
/// one seam (moved past the reset); the emulator's allowance is set through its admin API.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class DailyLimitEndToEndTests
{
    [Test]
    public async Task DailyLimitSpent_WebhookWorkWaitsWithHealthDegraded_AndIsScoredAfterTheReset()
    {
        var clock = new ShiftedClock();
        await using var product = await ProductUnderTest.StartAsync(
            contacts: 10,
            extraSettings: new Dictionary<string, string?> { ["Pipeline:DailyLimitProbeInterval"] = "00:00:01" },
            services: s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        var budget = product.Host.Services.GetRequiredService<HubSpotRateBudget>();
        await WaitForAsync(() => Task.FromResult(budget.PortalTimeZone.Id == "US/Eastern"), "the start-up learns the portal's time zone from account-info");
        var contact = (await product.ContactIdsAsync())[3];
        await SetDailyRemainingAsync(product, 0);

        var json = $$"""[{"eventId":990001,"subscriptionId":310,"portalId":1000001,"occurredAt":{{DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()}},"subscriptionType":"contact.creation","attemptNumber":0,"objectId":{{contact}}}]""";
        using (var accepted = await product.PostWebhookAsync(json))
        {
            Assert.That(accepted.StatusCode, Is.EqualTo(HttpStatusCode.OK), "the webhook is accepted: its work is kept, not refused");
        }

        JsonObject health = null!;
        await WaitForAsync(async () => (string?)(health = await HealthAsync(product))["checks"]?["hubspot"]?["status"] == "degraded", "health turns degraded");
        var waiting = await WaitForOrchestrationAsync(product, "ScoreLeads", o => (string?)o["customStatus"] is { } s && s.Contains("daily", StringComparison.Ordinal));
        var resumesAt = budget.DailyLimitedUntil;
        var requestsWhileStopped = (await product.Emulator.RequestsAsync("/crm/")).Count;
        await Task.Delay(3000); // three probe intervals: each retry fails fast without calling HubSpot
        var requestsAfterProbes = (await product.Emulator.RequestsAsync("/crm/")).Count;

        Assert.Multiple(() =>
        {
            Assert.That((string)health["checks"]!["hubspot"]!["description"]!, Does.Contain("daily API limit reached").And.Contain("resume at"));
            Assert.That((string?)health["checks"]!["hubspot"]!["dailyLimitResumesAt"], Is.Not.Null);
            Assert.That((string)waiting["status"]!, Is.EqualTo("Running"), "waiting, not failed");
            Assert.That(resumesAt, Is.Not.Null);
            Assert.That(resumesAt!.Value.Offset, Is.EqualTo(TimeSpan.Zero));
            Assert.That(requestsAfterProbes, Is.EqualTo(requestsWhileStopped), "no HubSpot call until the reset");
        });
        Assert.That(await product.Host.Services.GetRequiredService<ScoreRequestQueue>().PoisonCountAsync(), Is.Zero, "nothing given up");
        Assert.That(await product.WrittenScoreAsync(contact), Is.Null);

        // HubSpot's midnight: its allowance is back, and our clock has passed the reset.
        await SetDailyRemainingAsync(product, 250_000);
        clock.Offset = resumesAt!.Value - DateTimeOffset.UtcNow + TimeSpan.FromMinutes(1);
        await product.WaitUntilScoredAsync([contact], TimeSpan.FromSeconds(60));

        await WaitForAsync(async () => (string?)(await HealthAsync(product))["checks"]?["hubspot"]?["status"] == "healthy", "health is healthy again");
        Assert.That(await product.Host.Services.GetRequiredService<ScoreRequestQueue>().PoisonCountAsync(), Is.Zero);
    }

    private static async Task SetDailyRemainingAsync(ProductUnderTest product, int remaining) =>
        (await product.Emulator.Admin.PutAsJsonAsync("/_emulator/rate-limits/daily", new JsonObject { ["remaining"] = remaining })).EnsureSuccessStatusCode();

    private static async Task<JsonObject> HealthAsync(ProductUnderTest product) =>
        (await AdminHealthAsync(product))!;

    private static async Task<JsonObject> WaitForOrchestrationAsync(ProductUnderTest product, string name, Func<JsonObject, bool> match)
    {
        JsonObject? found = null;
        await WaitForAsync(async () =>
        {
            using var answer = await product.Host.SendAsync(HttpMethod.Get, "/api/admin/orchestrations", Host.TestHost.AdminKey);
            Assert.That(answer.StatusCode, Is.EqualTo(HttpStatusCode.OK), await answer.Content.ReadAsStringAsync());
            foreach (var item in (await answer.Content.ReadFromJsonAsync<JsonArray>())!.OfType<JsonObject>().Where(o => (string?)o["name"] == name))
            {
                using var one = await product.Host.SendAsync(HttpMethod.Get, $"/api/admin/orchestrations/{(string)item["instanceId"]!}", Host.TestHost.AdminKey);
                Assert.That(one.StatusCode, Is.EqualTo(HttpStatusCode.OK), await one.Content.ReadAsStringAsync());
                var view = (await one.Content.ReadFromJsonAsync<JsonObject>())!;
                if (match(view))
                {
                    found = view;
                    return true;
                }
            }

            return false;
        }, $"a {name} orchestration waiting for the daily limit");
        return found!;
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting until {what}");
            }

            await Task.Delay(200);
        }
    }

    /// <summary>/api/health as an Admin sees it: with the details (anonymous callers get product words only).</summary>
    private static async Task<JsonObject?> AdminHealthAsync(ProductUnderTest product)
    {
        using var response = await product.Host.SendAsync(HttpMethod.Get, "/api/health", Host.TestHost.AdminKey);
        return await response.Content.ReadFromJsonAsync<JsonObject>();
    }
}
